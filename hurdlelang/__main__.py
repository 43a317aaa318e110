"""`python -m hurdlelang` is `hurdlec`."""

from hurdlelang.cli.main import main

if __name__ == "__main__":
    main()
