# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# make vmbench [BENCH_ROUNDS=3] [BENCH_READS=2000] [BENCH_LAT=1000]
#              [BENCH_BASE_KO=other/xen-pciback.ko] [BENCH_PIN=1|0]
# The in-tree xen-pciback and ours in one QEMU + Xen run, alternating on the
# same devices (tests/vm/bench/70-bench.sh; BENCHMARKS.md). BENCH_BASE_KO
# adds another build of ours as a third backend, "base" (before and after
# a change, in the same run). Waits for the
# harness lock like any vmtest. Raw figures: bench-raw.txt in the run's log
# directory (build/vm/logs/vmtest-ours-*); the table is printed at the end.
# BENCH_PIN=1 (the default) gives dom0 one vCPU pinned to physical CPU 0
# and runs the guests on CPU 1, as Xen's best practice for a dom0 that
# serves backends: without it, Xen's scheduler moves the three vCPUs
# over the two CPUs as it likes, and the figures follow (BENCHMARKS.md).
# This is the one harness run that gives Xen extra_guest_irqs=256,512
# (VMBENCH_IRQS): P3 enables 64 and 128 MSI-X vectors, beyond Xen's default
# budget of a PV guest (32 MSI/MSI-X pirqs), which every other run keeps
# (scenarios/56-overbudget.sh tests requests beyond it). The run says so.
# nr_irqs= is there for Xen 4.20 (the trixie stack's 4.20.4; bookworm's
# 4.17.7 is not affected): it checks extra_guest_irqs against nr_irqs
# before nr_irqs is computed, so without an explicit nr_irqs any domU
# value above 32 is cut to 0 and a guest gets no MSI pirq at all ("domU
# IRQs bounded to 16" in Xen's boot log). 1024 is more than Xen computes
# for this machine (416 with two CPUs), so it changes nothing else.

VMBENCH_DIR	:= tests/vm/bench
VMBENCH_EXTRA	:= $(BUILD)/vmbench/extra
# The harness's output (its last "logs:" line names this run's log directory).
VMBENCH_LOG	?= $(BUILD)/vmbench/vmtest.log
comma		:= ,
VMBENCH_PIN	= $(if $(filter 0,$(BENCH_PIN)),,1)
VMBENCH_IRQS	:= nr_irqs=1024 extra_guest_irqs=256,512
VMBENCH_XEN	= $(VMBENCH_IRQS) $(if $(VMBENCH_PIN),dom0_max_vcpus=1 dom0_vcpus_pin)
VMBENCH_VARS	= $(if $(VMBENCH_PIN),GUEST_CPUS=1) PCIBK_BENCH=1 BENCH_ROUNDS=$(or $(BENCH_ROUNDS),3) \
		  BENCH_READS=$(or $(BENCH_READS),2000) BENCH_LAT=$(or $(BENCH_LAT),1000) \
		  BENCH_BACKENDS=intree,ours$(if $(BENCH_BASE_KO),$(comma)base)

$(OPT_DIR)/vmbench/cfgread: $(VMBENCH_DIR)/cfgread.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(OPT) -static -o $@ $<

.PHONY: vmbench
vmbench: $(OPT_DIR)/tools/pcibk-probe.static $(OPT_DIR)/vmbench/cfgread
	@[ -d $(PROBE_VM_BUILD)/pkg/lib/modules ] || $(MAKE) --no-print-directory vm-images
	rm -rf $(VMBENCH_EXTRA)
	mkdir -p $(VMBENCH_EXTRA)
	cp $(OPT_DIR)/tools/pcibk-probe.static $(VMBENCH_EXTRA)/pcibk-probe
	cp $(OPT_DIR)/vmbench/cfgread $(VMBENCH_DIR)/70-bench.sh $(VMBENCH_DIR)/dom0-init.sh \
		$(PROBE_DIR)/vm/guest-init.sh $(PROBE_DIR)/vm/60-probe.sh $(VMBENCH_EXTRA)/
	cp $(VMBENCH_DIR)/msix.txt $(VMBENCH_EXTRA)/bench-msix.txt
	@dst=$(VMBENCH_EXTRA); for m in xen-evtchn xen-gntalloc; do \
		$(VM_COPY_KMOD) || true; done
	$(if $(BENCH_BASE_KO),mkdir -p $(VMBENCH_EXTRA)/base && cp $(BENCH_BASE_KO) $(VMBENCH_EXTRA)/base/xen-pciback.ko)
	@mkdir -p $(dir $(VMBENCH_LOG))
	@echo "vmbench: Xen runs with $(VMBENCH_IRQS) (P3's 64 and 128 MSI-X vectors do not fit" \
		"Xen's default PIRQ budget of a guest, which every other harness run keeps)" | tee $(VMBENCH_LOG)
	-$(MAKE) --no-print-directory vmtest VM_EXTRA=$(VMBENCH_EXTRA) \
		VM_SCENARIOS=bench BACKEND=ours VM_TIMEOUT=$(or $(VM_TIMEOUT),1500) \
		VM_XEN_ARGS='$(strip $(VMBENCH_XEN) $(VM_XEN_ARGS))' \
		VM_VARS='$(VMBENCH_VARS) $(VM_VARS)' \
		2>&1 | tee -a $(VMBENCH_LOG)
	@d=$$(sed -n 's/.*logs: \(.*\) (serial\.log.*/\1/p' $(VMBENCH_LOG) | tail -n 1); \
		if [ ! -s "$$d/bench-raw.txt" ] && [ -f "$$d/serial.log" ]; then \
			echo "vmbench: no bench-raw.txt (run cut short?): figures from the serial log"; \
			sed -n 's/.*@@PCIBK: INFO bench: round /R /p' "$$d/serial.log" | tr -d '\r' >"$$d/bench-raw.txt"; \
		fi; \
		echo "vmbench: raw figures in $$d/bench-raw.txt"; \
		bash $(VMBENCH_DIR)/report.sh "$$d/bench-raw.txt"; \
		echo "vmbench: Xen ran with $(VMBENCH_IRQS) (not the harness default)"
