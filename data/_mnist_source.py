"""Where MNIST comes from: the default mirror, its four gz files and their official
SHA-256 sums (what `fetch_mnist` checks a download against when the mirror lists none)."""

from __future__ import annotations

from ._idx import IDX_FILES

# The mirror TensorFlow uses (yann.lecun.com now refuses most downloads).
MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MNIST_FILES = tuple(f"{stem}.gz" for stem in IDX_FILES.values())
