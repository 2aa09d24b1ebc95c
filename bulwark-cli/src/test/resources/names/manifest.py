# Prints every entry below a folder with its exact name bytes (Python's repr of bytes), and a
# file's content or a symlink's target, sorted: an oracle independent of the JVM's encoding.
import os
import sys

root = os.fsencode(sys.argv[1])
out = []
for dp, dns, fns in os.walk(root):
    for n in dns + fns:
        p = os.path.join(dp, n)
        rel = repr(os.path.relpath(p, root))
        if os.path.islink(p):
            out.append(rel + ' -> ' + repr(os.readlink(p)))
        elif os.path.isdir(p):
            out.append(rel + ' dir')
        else:
            with open(p, 'rb') as f:
                out.append(rel + ' = ' + repr(f.read()))
print('\n'.join(sorted(out)))
