# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# QEMU + Xen end-to-end harness (tests/vm/README.md).
#   make vmtest [BACKEND=intree|ours|dkms|deb]  all scenarios, PASS/FAIL/XFAIL lines
#   make demo   [BACKEND=ours|intree] [DEMO_GUEST=pv|hvm]
#                                       narrated NIC passthrough to a PV or
#                                       an HVM guest
#   make vm-images                      build/refresh the cached images only
#   make vmtest|demo VM_STACK=bookworm|trixie   the Debian release booted
#                                       (vmtest: this machine's; demo: trixie)
# Variables: VM_STACK, PCIBK_KO, VM_BUILD, VM_EXTRA, VM_SCENARIOS, VM_VARS, VM_TIMEOUT, VM_SMP, VM_TCG_THREAD,
# VM_IOMMU, VM_CPU, VM_ROOT_PORT, VM_QUIET_SNAPSHOT, VM_XEN_ARGS.

VM_RUN = tests/vm/run.sh
# Static rules for the scripts dom0's runner sources (no QEMU needed).
CHECK_BINS += tests/vm/test_runner_shell.sh
# The cache of the stack a run boots (tests/vm/lib/common.sh, stack_init):
# build/vm for this machine's release, build/vm-<stack> for another.
VM_HOST_CODENAME := $(shell . /etc/os-release 2>/dev/null && echo $$VERSION_CODENAME)
VM_STACK_BUILD := $(or $(VM_BUILD),build/vm$(if $(filter-out $(VM_HOST_CODENAME),$(or \
	$(VM_STACK),$(VM_HOST_CODENAME))),-$(VM_STACK)))
# Shell: copy the guest kernel's module $$m (plain or xz-compressed, as
# Debian 13 ships them) into directory $$dst as $$m.ko; false if missing.
VM_COPY_KMOD = f=$$(find $(VM_STACK_BUILD)/pkg/lib/modules/ \( -name "$$m.ko" -o -name "$$m.ko.xz" \) | \
	head -n 1); case $$f in '') false ;; *.xz) xz -dc "$$f" >"$$dst/$$m.ko" ;; *) cp "$$f" "$$dst/" ;; esac
VM_ENV = $(if $(VM_STACK),VM_STACK='$(VM_STACK)') PCIBK_KO='$(or $(PCIBK_KO),xen-pciback/xen-pciback.ko)' MAKE='$(MAKE)' \
	$(if $(VM_BUILD),VM_BUILD='$(abspath $(VM_BUILD))') \
	$(if $(VM_EXTRA),VM_EXTRA='$(abspath $(VM_EXTRA))') \
	$(if $(VM_SCENARIOS),VM_SCENARIOS='$(VM_SCENARIOS)') \
	$(if $(VM_VARS),VM_VARS='$(VM_VARS)') \
	$(if $(VM_TIMEOUT),VM_TIMEOUT='$(VM_TIMEOUT)') \
	$(if $(VM_SMP),VM_SMP='$(VM_SMP)') \
	$(if $(VM_TCG_THREAD),VM_TCG_THREAD='$(VM_TCG_THREAD)') \
	$(if $(VM_IOMMU),VM_IOMMU='$(VM_IOMMU)') \
	$(if $(VM_CPU),VM_CPU='$(VM_CPU)') \
	$(if $(VM_ROOT_PORT),VM_ROOT_PORT='$(VM_ROOT_PORT)') \
	$(if $(VM_QUIET_SNAPSHOT),VM_QUIET_SNAPSHOT='$(VM_QUIET_SNAPSHOT)') \
	$(if $(VM_XEN_ARGS),VM_XEN_ARGS='$(VM_XEN_ARGS)') \
	$(if $(VM_QEMU),VM_QEMU='$(VM_QEMU)') \
	$(if $(VM_DOM0_ARGS),VM_DOM0_ARGS='$(VM_DOM0_ARGS)') \
	$(if $(DEMO_GUEST),DEMO_GUEST='$(DEMO_GUEST)')

.PHONY: vmtest demo vm-images vm-clean vm-shellcheck vm-guest-tools
# pcibackctl is built first: the payload carries it for its scenario; and
# pcibk-probe (static), which the guests get in /pcibk-tools (56-overbudget,
# 58-reconnect).
vmtest: pcibackctl vm-guest-tools
	+$(VM_ENV) BACKEND='$(or $(BACKEND),intree)' $(VM_RUN) vmtest

vm-guest-tools: deps
	@$(MAKE) --no-print-directory $(OPT_DIR)/tools/pcibk-probe.static

demo:
	+$(VM_ENV) BACKEND='$(or $(BACKEND),ours)' $(VM_RUN) demo

vm-images:
	+$(VM_ENV) BACKEND='$(or $(BACKEND),intree)' $(VM_RUN) images

vm-clean:
	rm -rf $(if $(VM_BUILD),'$(VM_BUILD)',build/vm build/vm-*)

vm-shellcheck:
	shellcheck -x tests/vm/run.sh tests/vm/test_runner_shell.sh tests/vm/lib/*.sh tests/vm/dom0/*.sh \
		tests/vm/dom0/initrd-init tests/vm/guest/init tests/vm/guest/lib.sh \
		tests/vm/scenarios/*.sh tests/vm/demo/*.sh
