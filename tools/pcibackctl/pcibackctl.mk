# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# pcibackctl, the administrator's tool. Built twice: optimised for use
# (build/opt/tools/pcibackctl, `make pcibackctl`; CFLAGS and LDFLAGS, such as
# dpkg-buildflags' hardening, are added) and under ASan+UBSan for
# the tests over a fake sysfs/xenstore tree (tests/tools/).

PCIBACKCTL_SRCS := $(wildcard tools/pcibackctl/*.c) xen-pciback/core/bdf.c
PCIBACKCTL_HDRS := tools/pcibackctl/pcibackctl.h include/pcibk/bdf.h include/pcibk/compat.h
PCIBACKCTL_LIBS := -lxenstore -lxenctrl

$(OPT_DIR)/tools/pcibackctl: $(PCIBACKCTL_SRCS) $(PCIBACKCTL_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_BASE) $(OPT) $(CFLAGS) $(LDFLAGS) -o $@ $(PCIBACKCTL_SRCS) \
		$(PCIBACKCTL_LIBS)

$(SAN_DIR)/tools/pcibackctl: $(PCIBACKCTL_SRCS) $(PCIBACKCTL_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_BASE) -O1 $(SAN) -o $@ $(PCIBACKCTL_SRCS) $(PCIBACKCTL_LIBS)

.PHONY: pcibackctl
pcibackctl: deps $(OPT_DIR)/tools/pcibackctl

CHECK_DEPS += $(SAN_DIR)/tools/pcibackctl
CHECK_BINS += tests/tools/test_pcibackctl.sh
