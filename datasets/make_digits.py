"""Writes scikit-learn's bundled handwritten digits as a class-per-folder PNG tree.

No download: the 1,797 8×8 images ship inside scikit-learn.

    python datasets/make_digits.py                       # datasets/digits/0 … 9
    python datasets/make_digits.py --classes 0,1,2,3,4 --out datasets/digits_0-4
    python datasets/make_digits.py --classes 5,6,7,8,9 --per-class 10 --out datasets/digits_5-9_few
"""

from __future__ import annotations

import argparse

from tsconv.image.digits import write_digits_folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="datasets/digits", help="folder to create")
    parser.add_argument("--classes", default=None, help="digits to write, e.g. 5,6,7,8,9")
    parser.add_argument("--per-class", type=int, default=None, help="images per digit")
    parser.add_argument("--seed", type=int, default=0, help="seed of the --per-class choice")
    args = parser.parse_args()
    classes = None if args.classes is None else [int(c) for c in args.classes.split(",")]
    out = write_digits_folder(args.out, classes, args.per_class, args.seed)
    print(f"wrote {sum(1 for _ in out.rglob('*.png'))} images to {out}")


if __name__ == "__main__":
    main()
