# Makes a folder of names that are not valid in every JVM file-name encoding, for OddNamesTest.
# Written with bytes so the locale of this process plays no part.
import os
import sys

d = os.fsencode(sys.argv[1])
os.makedirs(d)


def w(rel, data):
    with open(os.path.join(d, rel), 'wb') as f:
        f.write(data)


for name, data in [
        (b'\xfe', b'A'), (b'\xff', b'B'),
        ('café'.encode(), b'C'), ('cafè'.encode(), b'D'),
        (b'new\nline', b'E'), (b'back\\slash', b'F'), (b'quo"te', b'G'),
        ('\ufffd'.encode(), b'H'), (b'tab\there', b'I'), (b'lat1-\xe9t\xe9', b'J')]:
    w(name, data)
os.mkdir(os.path.join(d, b'dir\xe9'))
w(b'dir\xe9/inner\xfe', b'K')
os.symlink(b'tar\xfeget', os.path.join(d, b'link-raw'))
os.symlink('café/../\ufffd'.encode(), os.path.join(d, b'link-utf8'))
os.symlink(b'dir\xe9/inner\xfe', os.path.join(d, b'link-to-\xfe'))
