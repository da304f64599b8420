# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# The kernel module (xen-pciback/README.md), included by the top-level
# Makefile.
#   make module         build xen-pciback/xen-pciback.ko against KDIR
#                       (DEBUG=1: with the core's self-checks at load,
#                       CONFIG_XEN_PCIBK_DEBUG; also for module-check)
#   make module-check   W=1 with warnings as errors, sparse (C=2) and
#                       checkpatch over the project's kernel files
#   make module-clean   remove the kernel build products
#   make module-matrix  W=1 -Werror (and sparse) against the headers of every
#                       Debian release from bullseye (5.10) to forky (7.2)
#                       and trixie-backports (7.3), each in a chroot of its
#                       release cached in build/matrix/ (as root);
#                       MATRIX="6.1 7.2" for some rows, MATRIX_CACHED=1 for
#                       only the rows whose chroot is already set up
#   make module-ci      the rows of Debian 12 without chroots: 6.1 with the
#                       installed headers, 6.12+deb12 with bookworm-
#                       backports' headers unpacked into build/kheaders/
#   make dkms-install   install the module with DKMS for KVER (default: the
#                       running kernel), as root: /usr/src/xen-pciback-<ver>/,
#                       dkms add, build, install (older versions removed);
#                       DEBUG=1: DKMS builds the debug module
#   make dkms-uninstall remove every DKMS version of it
#   make dkms-version   print <ver> (PCIBK_VERSION overrides it)
# KDIR defaults to the headers of the ABI Debian's current
# linux-image-amd64 depends on (installed with apt-get when missing).

PCIBK_MOD_DIR	:= $(CURDIR)/xen-pciback
PCIBK_CP_DIR	:= $(BUILD)/checkpatch
PCIBK_CP_CONF	:= xen-pciback/checkpatch.conf
PCIBK_KFILES	= $(sort $(wildcard xen-pciback/core/*.[ch] xen-pciback/linux/*.c \
		  xen-pciback/linux/*.h xen-pciback/probes/*.c include/pcibk/*.h))

# Shell prologue: sets $kdir, from KDIR or derived.
PCIBK_KDIR	= kdir='$(KDIR)'; \
		  if [ -z "$$kdir" ]; then kdir=$$(sh xen-pciback/scripts/kdir.sh) || exit 1; fi;
PCIBK_DEBUG_Y	:= $(if $(filter 1 y yes,$(DEBUG)),CONFIG_XEN_PCIBK_DEBUG=y)
PCIBK_KMAKE	= $(MAKE) --no-print-directory -C "$$kdir" M=$(PCIBK_MOD_DIR) \
		  CONFIG_XEN_PCIBK=m $(PCIBK_DEBUG_Y)

.PHONY: module module-check module-clean module-build-check module-checkpatch \
	module-matrix module-ci dkms-install dkms-uninstall dkms-version
module:
	@$(PCIBK_KDIR) $(PCIBK_KMAKE) modules

module-check: module-build-check module-checkpatch

# W=1 and -Werror make every compiler warning fatal; sparse only prints,
# so its log is searched for warnings too.
module-build-check:
	@mkdir -p $(BUILD)
	@command -v sparse >/dev/null || { s=; [ "$$(id -u)" = 0 ] || s=sudo; \
		$$s apt-get install -y --no-install-recommends sparse; }
	@$(PCIBK_KDIR) rc=0; \
	$(PCIBK_KMAKE) W=1 C=2 KCFLAGS=-Werror modules \
		>$(BUILD)/module-check.log 2>&1 || rc=$$?; \
	cat $(BUILD)/module-check.log; \
	if [ $$rc != 0 ]; then echo "module-check: build failed"; exit 1; fi; \
	if grep -qE ': (warning|error):|WARNING:' $(BUILD)/module-check.log; then \
		echo "module-check: compiler, sparse or modpost warnings (above)"; exit 1; \
	fi; \
	echo "module-check: W=1 -Werror and sparse clean"

module-checkpatch:
	@sh xen-pciback/scripts/checkpatch-fetch.sh $(PCIBK_CP_DIR)
	@perl $(PCIBK_CP_DIR)/scripts/checkpatch.pl --no-tree --terse --show-types \
		$$(grep -v '^#' $(PCIBK_CP_CONF)) -f $(PCIBK_KFILES) && \
		echo "module-check: checkpatch clean ($(words $(PCIBK_KFILES)) files)"

module-matrix:
	@bash xen-pciback/scripts/module-matrix.sh $(if $(MATRIX_CACHED),-c) $(MATRIX)

module-ci:
	@bash xen-pciback/scripts/module-matrix.sh -n

module-clean:
	@$(PCIBK_KDIR) $(PCIBK_KMAKE) clean

# ---- DKMS (README.md "Install with DKMS", dkms.conf) ----
# The version names /usr/src/xen-pciback-<ver>/ and DKMS's registry entry:
# the commit, marked when the tree has local changes.
PCIBK_VERSION	?= $(shell sh xen-pciback/scripts/version.sh)
KVER		?= $(shell uname -r)
# Shell: remove every DKMS version of the module and its source tree.
PCIBK_DKMS_RM	= for v in $$(dkms status -m xen-pciback 2>/dev/null | \
		  sed -n 's|^xen-pciback/\([^,: ]*\)[,:].*|\1|p' | sort -u); do \
		  echo "dkms: removing xen-pciback/$$v"; \
		  dkms remove -m xen-pciback -v "$$v" --all >/dev/null || exit 1; \
		  rm -rf "/usr/src/xen-pciback-$$v"; done;

dkms-version:
	@echo '$(PCIBK_VERSION)'

dkms-install:
	@[ "$$(id -u)" = 0 ] || { echo "dkms-install: run as root"; exit 1; }
	@bash tests/deps.sh dkms make 'linux-headers-$(KVER)'
	@set -e; ver='$(PCIBK_VERSION)'; src="/usr/src/xen-pciback-$$ver"; \
	$(PCIBK_DKMS_RM) \
	sh xen-pciback/scripts/dkms-tree.sh "$$src" "$$ver" '$(PCIBK_DEBUG_Y)'; \
	dkms add -m xen-pciback -v "$$ver"; \
	dkms build -m xen-pciback -v "$$ver" -k '$(KVER)'; \
	dkms install -m xen-pciback -v "$$ver" -k '$(KVER)'; \
	ko=$$(modinfo -k '$(KVER)' -n xen-pciback); \
	case $$ko in */updates/dkms/*) ;; \
	*) echo "dkms-install: modprobe would load $$ko, not the DKMS module"; exit 1 ;; \
	esac; \
	echo "dkms-install: xen-pciback/$$ver for $(KVER): modprobe xen-pciback loads $$ko"

dkms-uninstall:
	@[ "$$(id -u)" = 0 ] || { echo "dkms-uninstall: run as root"; exit 1; }
	@command -v dkms >/dev/null || { echo "dkms-uninstall: dkms is not installed"; exit 0; }
	@$(PCIBK_DKMS_RM) \
	echo "dkms-uninstall: done; modprobe xen-pciback loads" \
		"$$(modinfo -k '$(KVER)' -n xen-pciback 2>/dev/null || echo nothing)"
