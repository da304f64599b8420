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
# KDIR defaults to the headers of the ABI Debian's current
# linux-image-amd64 depends on (installed with apt-get when missing).

PCIBK_MOD_DIR	:= $(CURDIR)/xen-pciback
PCIBK_CP_DIR	:= $(BUILD)/checkpatch
PCIBK_CP_CONF	:= xen-pciback/checkpatch.conf
PCIBK_KFILES	= $(sort $(wildcard xen-pciback/core/*.c xen-pciback/linux/*.c \
		  xen-pciback/linux/*.h include/pcibk/*.h))

# Shell prologue: sets $kdir, from KDIR or derived.
PCIBK_KDIR	= kdir='$(KDIR)'; \
		  if [ -z "$$kdir" ]; then kdir=$$(sh xen-pciback/scripts/kdir.sh) || exit 1; fi;
PCIBK_DEBUG_Y	:= $(if $(filter 1 y yes,$(DEBUG)),CONFIG_XEN_PCIBK_DEBUG=y)
PCIBK_KMAKE	= $(MAKE) --no-print-directory -C "$$kdir" M=$(PCIBK_MOD_DIR) \
		  CONFIG_XEN_PCIBK=m $(PCIBK_DEBUG_Y)

.PHONY: module module-check module-clean module-build-check module-checkpatch
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

module-clean:
	@$(PCIBK_KDIR) $(PCIBK_KMAKE) clean
