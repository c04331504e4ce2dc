#!/usr/bin/env python
from congdong.cli import main

if __name__ == "__main__":
    main()
