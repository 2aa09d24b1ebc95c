"""Makes COUNT files with random byte names under DIR (seeded), for the names campaign.

Names are bytes 1..255 without '/', of every kind a file system allows: not UTF-8, control
characters, newline, backslash, quotes, U+FFFD itself, and lengths up to the 255-byte limit.
Each file holds its own name, so a restore that mixes names up is caught.
"""
import os
import random
import sys

seed, count, folder = int(sys.argv[1]), int(sys.argv[2]), os.fsencode(sys.argv[3])
rnd = random.Random(seed)
os.makedirs(folder, exist_ok=True)
pieces = [b'\xfe', b'\xff', b'\n', b'\\', b'"', b"'", b'\t', b'\x01', b'\x7f',
          '\ufffd'.encode(), 'é'.encode(), 'é'.encode('latin-1'), '😀'.encode(), b'a', b'.',
          b' ', b'-', b'\xed\xa0\x80', b'\xc3']
made = set()
while len(made) < count:
    if rnd.random() < 0.5:
        name = b''.join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
    else:
        name = bytes(rnd.choice([b for b in range(1, 256) if b != 0x2f])
                     for _ in range(rnd.randint(1, 40)))
    if rnd.random() < 0.05:
        name = (name * 255)[:255]
    name = name[:255]
    if name in (b'.', b'..') or name in made:
        continue
    made.add(name)
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(name)
print(len(made))
