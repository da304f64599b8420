# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Tools for people (tools/*/): each tool has a fragment tools/<name>/<name>.mk
# that appends its optimised binary to TOOLS (and its tests to CHECK_BINS).
#   make tools       build every tool listed in TOOLS
# Fragments the top-level Makefile includes itself are not included here.

TOOLS		?=
TOOLS_OWN_MK	:= $(filter-out tools/tools.mk \
		     $(shell grep -o 'tools/[^ ]*\.mk' Makefile 2>/dev/null), \
		     $(wildcard tools/*/*.mk))
include $(TOOLS_OWN_MK)

.PHONY: tools
tools: deps $(TOOLS)
