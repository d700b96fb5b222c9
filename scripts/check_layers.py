#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Report every #include "..." in src/ that points to a higher layer.

Usage: check_layers.py <repo root>. The layers are read from src/layers
(bottom to top). Prints file:line, the including layer and the included one
for each upward include, then the count; exits 1 when there is any.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_layers(path):
	with open(path) as f:
		return [l.strip() for l in f if l.strip() and not l.lstrip().startswith('#')]


def main():
	root = sys.argv[1] if len(sys.argv) > 1 else '.'
	src = os.path.join(root, 'src')
	layers = read_layers(os.path.join(src, 'layers'))
	rank = {name: i for i, name in enumerate(layers)}
	upward = 0
	files = 0
	for layer in layers:
		d = os.path.join(src, layer)
		if not os.path.isdir(d):
			continue
		for dirpath, _, names in os.walk(d):
			for name in sorted(names):
				if not name.endswith(('.c', '.h', '.h.in')):
					continue
				path = os.path.join(dirpath, name)
				files += 1
				with open(path, errors='replace') as f:
					for no, text in enumerate(f, 1):
						m = INCLUDE.match(text)
						if not m:
							continue
						target = m.group(1).split('/')
						to = target[0] if len(target) > 1 else layer
						if to in rank and rank[to] > rank[layer]:
							upward += 1
							print('%s:%d: %s includes %s (layer %s above %s)' %
							      (os.path.relpath(path, root), no, layer,
							       m.group(1), to, layer))
	print('%d files in %d layers (%s), %d upward includes' %
	      (files, len(layers), ' < '.join(layers), upward))
	return 1 if upward else 0


if __name__ == '__main__':
	sys.exit(main())
