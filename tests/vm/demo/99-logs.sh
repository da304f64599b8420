# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# The demo's log checks are the test suite's.
# shellcheck shell=bash

say "${DEMO_LOG_STEP:-7}. Kernel logs of dom0 and the guest: checking for WARNING, BUG, Oops, lockups"
# shellcheck disable=SC1091
. "$P/scenarios/99-logs.sh"
