#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""`ktstr report` pages in a real browser: the report of a failed run and of a
comparison (eevdf against scx_ktstr), made from real run records, opened in
headless chromium. Checks that the DOM holds the charts with their data, that
the screenshot of the failed run shows its series painted, and that the browser logged no console
message at all (an SVG attribute it cannot parse, a blocked load or script are
all console messages). Skips (exit 77) only when chromium is not installed.

usage: test_report_browser.py KTSTR FIXTURES_DIR
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
    # the top of the page at half scale: 500 x 650 pixels to decode
    "--window-size=1000,1300", "--force-device-scale-factor=0.5",
]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB/RGBA, non-interlaced PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path + ": not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail("%s: PNG colour type %d depth %d not handled" % (path, ctype, depth))
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, [[tuple(r[x * bpp:x * bpp + 3]) for x in range(w)] for r in rows]


def count_colour(rows, rgb, tol=30):
    return sum(1 for row in rows for p in row
               if all(abs(p[k] - rgb[k]) <= tol for k in range(3)))


def open_page(chromium, tmp, html, name):
    """Load html; returns the DOM, the screenshot's pixels."""
    shot = os.path.join(tmp, name + ".png")
    profile = tempfile.mkdtemp(dir=tmp)
    p = subprocess.run([chromium] + FLAGS + ["--user-data-dir=" + profile,
                                             "--screenshot=" + shot, "--dump-dom",
                                             "file://" + html],
                       capture_output=True, text=True, timeout=120)
    console = [l for l in p.stderr.splitlines() if ":CONSOLE" in l]
    if console:
        fail("%s: console messages:\n  %s" % (name, "\n  ".join(console)))
    if "<svg" not in p.stdout:
        fail("%s: no DOM from chromium (exit %d):\n%s" % (name, p.returncode, p.stderr[-2000:]))
    _, _, rows = png_pixels(shot)
    return p.stdout, rows


def charts(dom, kind):
    """[(data-points, svg body)] of the charts of one kind."""
    return [(int(m.group(1)), m.group(2)) for m in re.finditer(
        r'<svg class="chart" data-kind="%s" data-points="(\d+)"[^>]*>(.*?)</svg>' % kind,
        dom, re.S)]


def report(ktstr, out, *args):
    p = subprocess.run([ktstr, "report", "-o", out] + list(args), capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0 or not os.path.exists(out):
        fail("ktstr report %s: exit %d\n%s" % (" ".join(args), p.returncode, p.stderr))


def main():
    ktstr, fixtures = sys.argv[1], sys.argv[2]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: chromium is not installed (scripts/setup.sh installs it)")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="ktstr-report-test-")
    try:
        # the failed run: scx_ktstr stalled on purpose (--stall-after 1)
        page = os.path.join(tmp, "fail.html")
        report(ktstr, page, os.path.join(fixtures, "stall"))
        dom, rows = open_page(chromium, tmp, page, "fail")
        if "sched_died" not in dom or "runnable task stall" not in dom:
            fail("fail: the failure details are not on the page")
        for kind in ("nr_running", "local_dsq", "imbalance"):
            c = charts(dom, kind)
            if len(c) != 1 or c[0][0] < 10 or not re.search(r'<polyline [^>]*points="[\d.]+,', c[0][1]):
                fail("fail: no %s chart with data: %r" % (kind, [n for n, _ in c]))
            if '<g class="mark">' not in c[0][1]:
                fail("fail: no phase marks on the %s chart" % kind)
        blue, orange = count_colour(rows, (0x1f, 0x77, 0xb4)), count_colour(rows, (0xff, 0x7f, 0x0e))
        if blue < 20 or orange < 20:
            fail("fail: the cpu0/cpu1 series are not painted (%d, %d pixels)" % (blue, orange))

        # the comparison: eevdf (run A) against scx_ktstr (run B)
        page = os.path.join(tmp, "compare.html")
        report(ktstr, page, "--a-scheduler", "eevdf", "--b-scheduler", "scx_ktstr",
               os.path.join(fixtures, "sched-a"), os.path.join(fixtures, "sched-b"))
        dom, _ = open_page(chromium, tmp, page, "compare")
        if "differing: <b>scheduler (eevdf -&gt; scx_ktstr)</b>" not in dom:
            fail("compare: the differing dimension is not named")
        d = charts(dom, "deltas")
        if len(d) != 1 or d[0][0] < 3:
            fail("compare: no delta chart with metrics: %r" % [n for n, _ in d])
        if d[0][1].count("<circle") != d[0][0] or d[0][1].count('<line class="ci"') != d[0][0]:
            fail("compare: not every metric has its change and interval drawn")
        w = charts(dom, "workers")
        if not w or any(body.count("<rect") < 2 * n for n, body in w):
            fail("compare: no worker CPU share bars")
        print("ok: the failed-run report (series painted: %d, %d pixels) and the comparison "
              "report (%d metrics, %d worker charts) render without console messages"
              % (blue, orange, d[0][0], len(w)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
