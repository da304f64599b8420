# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# QEMU + Xen end-to-end harness (tests/vm/README.md).
#   make vmtest [BACKEND=intree|ours|dkms|deb]  all scenarios, PASS/FAIL/XFAIL lines
#   make demo   [BACKEND=ours|intree]   narrated NIC passthrough
#   make vm-images                      build/refresh the cached images only
# Variables: PCIBK_KO, VM_BUILD, VM_EXTRA, VM_SCENARIOS, VM_VARS, VM_TIMEOUT, VM_SMP, VM_TCG_THREAD,
# VM_IOMMU, VM_CPU, VM_ROOT_PORT, VM_QUIET_SNAPSHOT, VM_XEN_ARGS.

VM_RUN = tests/vm/run.sh
VM_ENV = PCIBK_KO='$(or $(PCIBK_KO),xen-pciback/xen-pciback.ko)' MAKE='$(MAKE)' \
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
	$(if $(VM_XEN_ARGS),VM_XEN_ARGS='$(VM_XEN_ARGS)')

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
	rm -rf '$(or $(VM_BUILD),build/vm)'

vm-shellcheck:
	shellcheck -x tests/vm/run.sh tests/vm/lib/*.sh tests/vm/dom0/*.sh \
		tests/vm/dom0/initrd-init tests/vm/guest/init tests/vm/guest/lib.sh \
		tests/vm/scenarios/*.sh tests/vm/demo/*.sh
