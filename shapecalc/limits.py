"""Every limit shapecalc sets on what it reads, so that no input can exhaust the machine.

Each is checked where its input arrives and refused, when crossed, with an error line that
names it. The "Limits" table of docs/errors.md lists them all; a test checks that it does. Together
they keep any spec or command line of a few kilobytes under 2 s and 200 MB.
"""

from __future__ import annotations

# Spec files: a spec and everything it includes share one budget.
MAX_SPEC_BYTES = 2_000_000  # bytes read, over the spec and its includes
MAX_YAML_VALUES = 200_000  # YAML values (scalars, lists, mappings)
MAX_YAML_DEPTH = 100  # lists and mappings nested in each other
MAX_INCLUDES = 64  # distinct files a spec includes, directly or not

# Values and expressions.
MAX_INT_BITS = 256  # any integer, written or computed: about 77 decimal digits
MAX_EXPRESSION_LENGTH = 500  # characters of one ${expression}
MAX_EXPRESSION_DEPTH = 50  # operators and brackets nested in one expression
MAX_EXPONENT = 64  # the right side of **
MAX_LIST_ITEMS = 10_000  # values in a list an expression makes, nested lists' included
MAX_EXPRESSION_WORK = 20_000_000  # steps of all the expressions of one spec (see _work.py)

# Names and text, as written or made from a template.
MAX_NAME_LENGTH = 100  # a module's name, a type, the model's name
MAX_PATH_LENGTH = 400  # a module's dotted path
MAX_TEXT_LENGTH = 1_000  # a description

# The module tree.
MAX_REPEAT = 100_000  # repeat: N
MAX_MODULES = 100_000  # modules made by expanding the spec, functional ones and uses included
MAX_BLOCK_USES = 100_000  # blocks used while expanding
MAX_NESTING = 100  # modules within modules, a block's use of another block included

# The arithmetic.
MAX_FIELD_PERIOD = 64  # outputs in the repeating pattern of a varying receptive field
MAX_FIELD_SCAN = 4_096  # outputs read one by one, for an upsampling with no short pattern

# The command line.
MAX_SIZE_DIGITS = 30  # digits of one input size
MAX_SYMBOL_LENGTH = 12  # letters of a symbolic size, `H` in --input 3xHxW
MAX_VALID_PERIOD = 4096  # the period of a symbol's valid sizes that is worked out
MAX_VALID_SCAN = 20_000  # sizes of a symbol tried to find its valid sizes
MAX_SWEEP = 100_000  # sizes in one --sweep
MAX_BATCH = 1_000_000  # --batch, or an --input's leading batch dimension
MAX_SEARCH_WORK = 100_000  # layers computed by one search: a sweep, --smallest, clean sizes
MAX_DRAWN_ROWS = 5_000  # rows of the tree, table, html and svg formats, and the diagrams
MAX_DIAGRAM_POINTS = 20_000  # nodes, and points long edges pass through, of a laid-out diagram

# Messages.
MAX_QUOTED = 80  # characters of a name or value an error line quotes, before "…"
