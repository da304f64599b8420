#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Write the hand-made seed inputs of the fuzz corpus (docs/fuzzing.md
# describes the byte format). The saved corpus is these seeds plus what
# the fuzzers found, merged: run this only to start a corpus afresh.
#   tests/fuzz/mkseeds.py OUTDIR     writes OUTDIR/seed-*
import os
import struct
import sys

STEP_ANY, STEP_READ, STEP_WRITE, STEP_MSI, STEP_MSIX, STEP_ENABLE = range(6)
FAULT, FAULT_CLEAR, EXPORT, RELEASE, TEARDOWN, ADMIN = 6, 7, 8, 9, 10, 11
POST, EVENT, WORK, STORM, TIMEOUT, POKE, HOSTILE = 13, 14, 15, 16, 17, 18, 19
# With header flag EXT (opcodes mod 24): INTx line, irq_handler_state,
# show functions, AER with a hostile frontend.
EXT = 0x10
# Header flag FAST: the ring has the glue's event-handler fast path.
FAST = 0x20
FIRE, TOGGLE, SHOW, AER = 20, 21, 22, 23
# AER frontend behaviours (tests/fuzz/aer.c, enum fz_aer_how).
ANSWER, NEVER, LATE, RACE, STUCK, REARM, GONE, UNPLUG = range(8)
# Header flag SESSION with the device-count byte's bits 7-6 = 10: opcodes
# mod 26, steps 24-25 drive the xenbus state machine (tests/fuzz/session.c).
SESSION = 0x80
FE, XB = 24, 25
# Step 24's mode byte: keys, a new ring, which watches call back, how a
# disconnect finds the worker.
KEYS_BAD, KEYS_GOOD, NEW_RING, FE_CB, BE_CB = 0x01, 0x03, 0x04, 0x08, 0x10
CANCEL, ONCE, TWICE = 0x20, 0x40, 0x80
CB = FE_CB | BE_CB


def header(flags, devs):
    count = len(devs) - 1
    if flags & SESSION:
        count |= 0x80                            # session steps on
    out = bytes([flags, count])
    for i, tmpl in enumerate(devs):
        out += bytes([tmpl, 3 + i, 0, 0, 1])     # bus 3+i, devfn 0, export
        if tmpl % 7 == 6:
            out += b"\x00"                       # odd: header type byte
    return out


def read(sel, off, size_log2):
    return bytes([STEP_READ, size_log2, sel]) + struct.pack("<H", off)


def write(sel, off, size_log2, val):
    return bytes([STEP_WRITE, size_log2, sel]) + struct.pack("<HI", off, val)


def enable(sel):
    return bytes([STEP_ENABLE, 1, sel])


def msi(sel, how):
    return bytes([STEP_MSI, how, sel])


def msix(sel, nr, pattern=0):
    return bytes([STEP_MSIX, pattern, sel, nr])


def admin(what, sel):
    """An admin step with the arguments its kind reads."""
    s = bytes([ADMIN, what, sel])
    if what % 8 in (4, 5):                       # quirk: reg, size, mask
        s += struct.pack("<HBI", 0x40 + 4 * (what % 3), what % 3, 0xffff)
    elif what % 8 == 6:                          # show: lengths
        s += bytes([what, what, what])
    return s


def fire(sel, n, shared=False, to_check=False):
    """The INTx line fires 1 + n (n < 64) times, or up to the next check."""
    return bytes([FIRE, sel, (0x80 if shared else 0) | (0x40 if to_check else 0) | n])


def toggle(sel, how, extra=b""):
    """irq_handler_state: spelling how of device sel's name (intx.c)."""
    return bytes([TOGGLE, sel, how]) + extra


def show(sel, which, *lens):
    """Show function which (or all: 0xc0) with length bytes."""
    return bytes([SHOW, sel, which]) + bytes(lens)


def aer(sel, what, mode, state=None, answer=None):
    """AER step: what (stage, handler 8, no ring 16, post 32), mode."""
    s = bytes([AER, what, sel, mode])
    if what & 4:
        s += struct.pack("<I", state)
    if mode & 16:
        s += struct.pack("<I", answer)
    return s


def fe(state, mode=0):
    """The frontend writes state (0-8) with the mode byte of step 24."""
    return bytes([FE, state, mode])


def fe_raw(value, mode=0):
    """The frontend writes any 32-bit value as its state."""
    return bytes([FE, 0xe0]) + struct.pack("<i", value) + bytes([mode])


def reconf(plug=0, dev=0, any_time=False, cb=False):
    """libxl writes Reconfiguring; plug 1 adds device dev, 2 removes it."""
    s = bytes([XB, (plug << 2) | (0x10 if any_time else 0) | (0x20 if cb else 0)])
    return s + (bytes([dev]) if plug in (1, 2) else b"")


def offline(cb=False):
    """libxl writes online = 0."""
    return bytes([XB, 1 | (0x20 if cb else 0)])


def callbacks(fe_n, be_n, be_first=False, cancel=False):
    """Watch callbacks: fe_n of the frontend watch, be_n of the backend's."""
    return bytes([XB, 2 | (fe_n << 2) | (be_n << 4) | (0x40 if be_first else 0) |
                  (0x80 if cancel else 0)])


def inflight(sel, cmd, off, state, mode, event=True):
    """A request posted (with an event), a state change, the worker run."""
    return bytes([XB, 3 | (4 if event else 0), sel, cmd, off, state, mode])


def guest_session(sel, caps):
    s = enable(sel)
    for off in (0, 4, 8, 0x0c, 0x2c, 0x34, 0x3c):
        s += read(sel, off, 2)
    for bar in range(0x10, 0x28, 4):
        s += write(sel, bar, 2, 0xffffffff) + read(sel, bar, 2)
        s += write(sel, bar, 2, 0)
    s += write(sel, 0x30, 2, 0xfffff800) + read(sel, 0x30, 2)
    for off in caps:
        s += read(sel, off, 1) + write(sel, off, 1, 0xffff)
    s += msi(sel, 1) + msi(sel, 2) + msix(sel, 4) + msix(sel, 4)
    s += msi(sel, 1) + msi(sel, 0) + msix(sel, 0) + msix(sel, 129)
    return s


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    seeds = {}
    for tmpl in range(7):
        for pt in (0, 1):
            seeds["tmpl%d-pt%d" % (tmpl, pt)] = (
                header(pt, [tmpl]) + guest_session(0, (0x40, 0x42, 0x48, 0x50,
                                                       0x60, 0x70, 0x100)))
    seeds["multi-vpci"] = header(0, [0, 1, 2, 4, 5]) + b"".join(
        enable(i) + read(i, 0, 2) + msix(i, 3) for i in range(5)) + bytes([TEARDOWN])
    seeds["faults"] = header(1, [0, 5]) + b"".join(
        bytes([FAULT, op, nth]) + enable(0) + msix(0, 8) + msi(1, 1) +
        bytes([RELEASE, 0, EXPORT, 0])
        for op in range(17) for nth in (0, 1, 0x82))
    seeds["admin"] = header(0, [0, 3]) + b"".join(
        admin(what, what >> 6) + write(what >> 6, 0x40, 1, 0x1234) +
        write(what >> 6, 0x04, 1, 0x0407) + read(what >> 6, 0x40, 1)
        for what in range(0, 128, 1))
    seeds["ring"] = header(0, [0]) + bytes([POST, 0, 0, 0, EVENT, WORK]) + \
        bytes([STORM, 0x8f, EVENT, EVENT, WORK, POKE, 4, 70, 0, 0, 0x10, 0, 0, 0, 0, 0]) + \
        enable(0) + msix(0, 2) + bytes([HOSTILE]) + read(0, 0, 2) + msix(0, 2) + \
        bytes([POST, 0, 0, 0, TIMEOUT, EVENT, WORK, TEARDOWN])
    seeds["hostile"] = header(8, [0, 2]) + guest_session(1, (0x40,)) + guest_session(0, ())
    seeds["vf-msix"] = header(0, [2]) + msix(0, 3) + enable(0) + msix(0, 3, 1) + \
        bytes([POKE, 0, 0]) + msi(0, 0) + msix(0, 3) + bytes([RELEASE, 0])
    # allow_interrupt_control: the guest drives the NIC's MSI (0x48) and
    # MSI-X (0x60) enable bits itself, then asks the backend as well.
    seeds["intctl"] = header(0, [0]) + enable(0) + admin(2, 0) + \
        write(0, 0x4a, 1, 0x181) + read(0, 0x4a, 1) + write(0, 0x62, 1, 0x8009) + \
        msix(0, 2) + write(0, 0x4a, 1, 0x180) + write(0, 0x62, 1, 0xc009) + \
        msi(0, 1) + msix(0, 2) + write(0, 0x04, 1, 0x0406) + \
        bytes([RELEASE, 0, EXPORT, 0]) + write(0, 0x62, 1, 0x8009)
    # AER (POKE kind 3): with a handler (bit 4), stage, answer mode.
    seeds["aer"] = header(0, [0]) + b"".join(
        bytes([POKE, 3 | 16 | (what & 0x20), 0, stage, how])
        for what in (0, 0x20) for stage in range(4) for how in (0, 1, 2, 3)) + \
        bytes([POKE, 3, 0, 0, 0, POST, 0, 0, 0, EVENT, POKE, 3 | 16, 0, 1, 2, WORK])
    # The INTx helper: installed by the guest's COMMAND write, fired up to
    # the line-shared checks, toggled by irq_handler_state in every
    # spelling, across MSI enable/disable, removed by decoding off.
    seeds["intx"] = header(EXT, [0, 1]) + enable(0) + enable(1) + \
        fire(0, 5) + fire(0, 0, shared=True, to_check=True) + \
        fire(0, 0, to_check=True) + fire(0, 3) + show(0, 1, 2) + \
        b"".join(toggle(0, how) + fire(0, 1) + show(0, 1, 2)
                 for how in (0, 1, 2, 3, 4, 9, 11)) + \
        toggle(0, 5, bytes([4, ord("9")])) + \
        toggle(1, 6, bytes([13]) + b"0000:04:00.0\n") + \
        msi(0, 1) + fire(0, 2) + toggle(0, 0) + toggle(0, 0) + fire(0, 2) + \
        msi(0, 2) + fire(0, 2) + msix(1, 2) + toggle(1, 1) + \
        write(0, 0x04, 1, 0) + fire(0, 1) + toggle(0, 0) + enable(0) + \
        show(0, 0xc0, 2, 2, 2, 2, 2, 2) + bytes([RELEASE, 0, RELEASE, 1])
    # Every show function with every kind of length, after some traffic.
    seeds["show"] = header(EXT, [0, 3]) + enable(0) + read(0, 0, 2) + \
        read(0, 0x1000, 2) + msix(0, 3) + bytes([EVENT, STORM, 0x85]) + \
        b"".join(show(sel, which, ln)
                 for sel in (0, 1) for which in range(6)
                 for ln in (0, 4, 1, 5, 9, 13, 2)) + \
        show(0, 0, 3, 0x10, 0x00) + show(0, 0xc0, 1, 5, 9, 13, 2, 0) + \
        bytes([ADMIN, 4, 0]) + struct.pack("<HBI", 0x40, 2, 0xffff) + \
        show(0, 4, 1) + show(0, 4, 5)
    # AER with a frontend that answers, never answers, answers late,
    # races the timeout, leaves the bit set, sets it again, disconnects,
    # or loses the device; each with and without an event.
    seeds["aer-hostile"] = header(EXT, [0, 1]) + enable(0) + b"".join(
        aer(dev, 8 | stage | post, how | event | (answer << 5))
        for how in range(8) for event in (0, 8)
        for stage, answer in ((0, 2), (1, 4), (2, 7), (3, 0))
        for post in (0, 32) for dev in (0,)) + \
        bytes([EXPORT, 0]) + aer(1, 8 | 4, 16 | ANSWER, 3, 0xffffffff) + \
        aer(1, 16, ANSWER) + aer(1, 1, ANSWER) + aer(1, 3, ANSWER) + \
        aer(1, 8, UNPLUG | 8 | (5 << 5)) + bytes([EXPORT, 1]) + \
        aer(1, 8, GONE | 8 | (1 << 5)) + read(1, 0, 2) + \
        aer(1, 8, LATE | (1 << 5)) + bytes([POST, 0, 0, 0, EVENT]) + \
        aer(0, 8, ANSWER | 8 | (5 << 5)) + bytes([WORK, TEARDOWN])
    # The xenbus state machine: a frontend that closes and comes back with
    # a new ring, each state seen by a callback of its own and coalesced.
    seeds["session-3-5-3"] = header(SESSION, [0]) + enable(0) + read(0, 0, 2) + \
        fe(3, NEW_RING | CB) + read(0, 4, 1) + fe(5, CB) + read(0, 4, 1) + \
        fe(3, NEW_RING | CB) + read(0, 0, 2) + msix(0, 2) + \
        fe(5) + fe(3, NEW_RING) + callbacks(1, 1) + read(0, 0, 2) + \
        fe(5, FE_CB) + fe(3, NEW_RING | FE_CB | TWICE) + read(0, 0, 2)
    # rmmod and modprobe of xen-pcifront: Closing, Closed, Initialising
    # (the backend back to Initialised), Initialised with a new ring.
    seeds["session-3-5-6-1-3"] = header(SESSION, [0]) + enable(0) + \
        fe(3, NEW_RING | CB) + fe(5, CB) + fe(6, CB) + fe(1, CB) + \
        fe(3, NEW_RING | CB) + read(0, 0, 2) + msi(0, 1) + \
        fe(5) + fe(6) + fe(1) + fe(3, NEW_RING) + callbacks(2, 1) + \
        read(0, 0, 2) + fe(5, FE_CB) + fe(6) + fe(1) + callbacks(1, 0) + \
        fe(3, NEW_RING) + callbacks(1, 1, be_first=True) + read(0, 0, 2)
    seeds["session-3-6-3"] = header(SESSION, [0]) + enable(0) + \
        fe(3, NEW_RING | CB) + fe(6, CB) + fe(3, NEW_RING | CB) + \
        read(0, 0, 2) + msi(0, 1) + fe(6, CB) + fe(3, CB) + read(0, 0, 2) + \
        fe(6) + fe(3, NEW_RING) + callbacks(1, 1) + msi(0, 2) + read(0, 0, 2)
    # Bad keys: the backend Closing, no ring; good keys and Initialised
    # again: connected to the new ring. Also keys spoiled under a ring.
    seeds["session-bad-keys"] = header(SESSION, [0]) + enable(0) + \
        fe(3, NEW_RING | KEYS_BAD | CB) + read(0, 0, 2) + \
        fe(1, CB) + fe(3, NEW_RING | KEYS_GOOD | CB) + read(0, 0, 2) + \
        fe(3, KEYS_BAD | CB) + read(0, 0, 2) + fe(3, KEYS_GOOD | CB) + \
        read(0, 0, 2) + fe(3, NEW_RING | KEYS_BAD) + fe(3, KEYS_GOOD) + \
        callbacks(1, 1) + read(0, 0, 2)
    # Requests in flight while the frontend reattaches, closes or goes;
    # the worker flushed, cancelled or in its last run.
    seeds["session-inflight"] = header(SESSION, [0, 1]) + enable(0) + \
        enable(1) + inflight(0, 0, 0, 3, NEW_RING | CB) + \
        inflight(0, 1, 4, 3, NEW_RING | CB | CANCEL) + \
        inflight(0, 2, 0, 5, CB | ONCE) + fe(3, NEW_RING | CB) + \
        inflight(1, 4, 0, 6, CB, event=False) + fe(3, NEW_RING | CB) + \
        inflight(0, 3, 0, 1, CB | CANCEL) + fe(3, NEW_RING | CB) + \
        inflight(1, 0, 8, 3, NEW_RING) + callbacks(1, 1, cancel=True) + \
        bytes([POST, 0, 0, 0]) + fe(3, CB | ONCE) + bytes([EVENT, WORK]) + \
        read(0, 0, 2) + read(1, 0, 2)
    # libxl's hot-unplug and hot-plug (Reconfiguring, the frontend's
    # Reconfiguring, Reconfigured, Connected), states out of range, then
    # a removal: online 0, the frontend Closed, and nothing acts after.
    seeds["session-reconfigure"] = header(SESSION | EXT, [0, 1]) + enable(0) + \
        reconf(plug=2, dev=1, cb=True) + fe(7, CB) + fe(4, CB) + \
        read(0, 0, 2) + reconf(plug=1, dev=1) + fe(7, CB) + fe(4, CB) + \
        read(1, 0, 2) + fe(8, CB) + fe_raw(-1, CB) + fe_raw(1000, CB) + \
        bytes([FE, 0xc0, 0xff, CB]) + fe(4, CB) + read(0, 0, 2) + \
        reconf(cb=True) + fe(3, FE_CB) + fe(7, CB) + fe(4, CB) + \
        aer(0, 8, ANSWER | 8 | (5 << 5)) + offline(cb=True) + fe(6, CB) + \
        fe(3, NEW_RING | CB) + read(0, 0, 2) + callbacks(3, 3) + \
        aer(0, 8, ANSWER) + bytes([EXPORT, 0])
    # A frontend whose state goes (Unknown): the instance is removed, its
    # devices released, and nothing acts on later writes.
    seeds["session-unknown"] = header(SESSION, [0, 3]) + enable(0) + \
        fe(3, NEW_RING | CB) + read(0, 0, 2) + msi(0, 1) + fe(0, CB) + \
        read(0, 0, 2) + fe(3, NEW_RING | CB) + callbacks(3, 3) + \
        bytes([EXPORT, 0]) + read(0, 0, 2)
    # The same sessions with the fast path: config accesses answered in
    # the event, sleeping writes and refusals through the worker.
    for name in ("ring", "hostile", "tmpl0-pt0", "tmpl3-pt1", "admin",
                 "intctl", "intx", "aer-hostile", "session-inflight",
                 "session-3-5-6-1-3"):
        seeds["fast-" + name] = bytes([seeds[name][0] | FAST]) + seeds[name][1:]
    for name, data in seeds.items():
        with open(os.path.join(outdir, "seed-" + name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
