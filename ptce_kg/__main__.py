import sys

from ptce_kg.cli import main

sys.exit(main())
