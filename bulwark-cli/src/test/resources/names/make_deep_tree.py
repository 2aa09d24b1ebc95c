# Makes folders nested deeper than PATH_MAX (4096 bytes of path), a file at the top and one at
# the bottom, for LongPathTest. Works by chdir, since no path this long can be opened whole.
import os
import sys

os.makedirs(os.path.join(sys.argv[1], 'top'))
os.chdir(sys.argv[1])
with open('top/ok', 'w') as f:
    f.write('ok')
os.chdir('top')
for i in range(20):
    os.mkdir('d' * 250)
    os.chdir('d' * 250)
with open('leaf', 'w') as f:
    f.write('leaf')
