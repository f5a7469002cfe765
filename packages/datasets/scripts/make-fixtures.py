#!/usr/bin/env python3
"""Writes the test fixtures of @lec/datasets in the exact standard formats, small.

    python3 packages/datasets/scripts/make-fixtures.py   (numpy and scipy needed)

- mnist/, fashion-mnist/: the four gzip IDX files (6 train, 4 test images of 28x28).
- cifar-10/cifar-10-binary.tar.gz: the binary layout (cifar-10-batches-bin/data_batch_1..5.bin,
  test_batch.bin, batches.meta.txt), 1 record per train batch, 2 test records.
- planetoid-original/ind.tiny.*: a Citeseer-like graph (test ids with a gap, a self-loop, a
  duplicate edge) pickled the way the original Python 2 files are (protocol 2, py2 `str`
  as BINSTRING, globals numpy.core.multiarray / scipy.sparse.csr), and test.index text.
- planetoid-original/tiny-expected.json: what Kipf & Welling's utils.load_data (copied below
  in its logic) builds from those files, for the TypeScript loader to match.
- pickles/: the same kinds of objects written by this Python 3 at protocols 2 and 4.
Everything is deterministic (fixed seed, gzip mtime 0, tar mtime 0).
"""
import collections, gzip, io, json, os, pickle, struct, tarfile
import numpy as np
import scipy.sparse as sp

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
rng = np.random.default_rng(21)


def write(path, data):
    path = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, mtime=0)


def idx(array):
    codes = {np.uint8: 0x08}
    head = bytes([0, 0, codes[array.dtype.type], array.ndim]) + b''.join(struct.pack('>I', d) for d in array.shape)
    return head + array.astype('>u1').tobytes()


for name in ('mnist', 'fashion-mnist'):
    for split, n in (('train', 6), ('t10k', 4)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[0, 0, 0], images[0, 0, 1] = 0, 255
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        write(f'{name}/{split}-images-idx3-ubyte.gz', gz(idx(images)))
        write(f'{name}/{split}-labels-idx1-ubyte.gz', gz(idx(labels)))

# CIFAR-10 binary: records of 1 label byte + 1024 R + 1024 G + 1024 B
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as tar:
    def add(name, data):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), 0, 0o644
        tar.addfile(info, io.BytesIO(data))
    d = tarfile.TarInfo('cifar-10-batches-bin')
    d.type, d.mtime, d.mode = tarfile.DIRTYPE, 0, 0o755
    tar.addfile(d)
    for b, count in ((1, 1), (2, 1), (3, 1), (4, 1), (5, 1), ('test', 2)):
        records = b''.join(bytes([int(rng.integers(0, 10))]) + rng.integers(0, 256, 3072, dtype=np.uint8).tobytes() for _ in range(count))
        add(f'cifar-10-batches-bin/{"test_batch" if b == "test" else f"data_batch_{b}"}.bin', records)
    add('cifar-10-batches-bin/batches.meta.txt', b'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n')
write('cifar-10/cifar-10-binary.tar.gz', gzip.compress(buf.getvalue(), mtime=0))


class Py2Pickler(pickle._Pickler):
    """Protocol 2 as Python 2 wrote it: bytes and str as py2 `str` (BINSTRING), the module
    names numpy.core.multiarray and scipy.sparse.csr, and __builtin__."""
    dispatch = pickle._Pickler.dispatch.copy()
    RENAME = {'numpy._core.multiarray': 'numpy.core.multiarray', 'scipy.sparse._csr': 'scipy.sparse.csr', 'builtins': '__builtin__'}

    def save_py2_str(self, obj):
        data = obj if isinstance(obj, bytes) else obj.encode('latin1')
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack('<i', len(data)) + data)
        self.memoize(obj)
    dispatch[bytes] = save_py2_str
    dispatch[str] = save_py2_str

    def save_global(self, obj, name=None):
        module = getattr(obj, '__module__', None)
        name = name or obj.__qualname__
        if obj is np.core.multiarray._reconstruct if hasattr(np, 'core') else False:
            module = 'numpy.core.multiarray'
        module = self.RENAME.get(module, module)
        if module == 'numpy' and name == 'dtype':
            pass
        self.write(pickle.GLOBAL + module.encode() + b'\n' + name.encode() + b'\n')
        self.memoize(obj)
    dispatch[type] = save_global

    def reducer_override(self, obj):
        # numpy 2 writes bytes through _codecs.encode at protocol 2; Python 2 wrote the raw str
        if isinstance(obj, np.ndarray):
            return (np.core.multiarray._reconstruct, (np.ndarray, (0,), b'b'),
                    (1, obj.shape, obj.dtype, False, obj.tobytes()))
        return NotImplemented


def py2_pickle(obj):
    f = io.BytesIO()
    Py2Pickler(f, protocol=2).dump(obj)
    return f.getvalue()


# tiny Planetoid: 510 allx rows (x/y = the first 2; val = the next 500), test ids 510..513 with 512
# missing (an isolated node, as in Citeseer) -> 514 nodes
F, C = 5, 3
allx = sp.csr_matrix((rng.random((510, F)) < 0.4).astype(np.float32))
tx_dense = (rng.random((3, F)) < 0.5).astype(np.float32)
tx_dense[0, :] = 0
tx_dense[0, 4] = 1
tx = sp.csr_matrix(tx_dense)
x = allx[:2]
ally = np.eye(C, dtype=np.int32)[rng.integers(0, C, 510)]
ty = np.eye(C, dtype=np.int32)[[2, 0, 1]]
y = ally[:2]
test_index = [513, 510, 511]  # unsorted like the real files; 512 is missing
graph = collections.defaultdict(list)
adjacency = {0: [1, 2], 1: [0, 3], 2: [0, 2], 3: [1, 513], 4: [5], 5: [4, 4], 510: [511], 511: [510], 513: [3]}
for u in range(514):
    graph[u] = adjacency.get(u, [])
write('planetoid-original/ind.tiny.test.index', ''.join(f'{i}\n' for i in test_index).encode())
for suffix, obj in (('x', x), ('y', y), ('tx', tx), ('ty', ty), ('allx', allx), ('ally', ally), ('graph', graph)):
    data = py2_pickle(obj)
    write(f'planetoid-original/ind.tiny.{suffix}', data)
    loaded = pickle.loads(data, encoding='latin1')  # the file reads back as the object
    assert type(loaded) is type(obj)

# Kipf & Welling's load_data, the same steps (gcn/utils.py), on the tiny files
tir = test_index
tr = np.sort(tir)
full = range(min(tir), max(tir) + 1)
txe = sp.lil_matrix((len(full), F)); txe[tr - min(tr), :] = tx; tx2 = txe
tye = np.zeros((len(full), C)); tye[tr - min(tr), :] = ty; ty2 = tye
features = sp.vstack((allx, tx2)).tolil(); features[tir, :] = features[tr, :]
labels = np.vstack((ally, ty2)); labels[tir, :] = labels[tr, :]
edges = sorted({(min(u, v), max(u, v)) for u, vs in graph.items() for v in vs if u != v})
loops = sorted({u for u, vs in graph.items() for v in vs if u == v})
expected = {
    'numNodes': features.shape[0],
    'features': features.toarray().astype(int).tolist(),
    'labels': [int(np.argmax(r)) if r.sum() > 0 else -1 for r in labels],
    'edges': edges,
    'selfLoops': loops,
    'train': list(range(len(y))),
    'val': list(range(len(y), len(y) + 500)),
    'test': tr.tolist(),
}
write('planetoid-original/tiny-expected.json', (json.dumps(expected) + '\n').encode())

# Python 3 pickles of the same kinds of objects (protocols 2 and 4): numpy 2 / scipy names
objs = {'ndarray-f8': np.arange(6, dtype=np.float64).reshape(2, 3) / 4, 'ndarray-i8': np.array([1, -2, 2**40]),
        'csr': sp.csr_matrix(np.array([[0, 1.5], [2, 0], [0, 0]], dtype=np.float32)), 'defaultdict': graph,
        'dict': {'a': [1, 2.5, None, True], 'b': (1, 'x')}}
for key, obj in objs.items():
    for protocol in (2, 4):
        write(f'pickles/{key}.p{protocol}.pkl', pickle.dumps(obj, protocol=protocol))
write('pickles/forbidden-os-system.pkl', b'\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.')
print('fixtures written to', os.path.normpath(OUT))
