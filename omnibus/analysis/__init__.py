"""Analysis: tables, estimates and their variances over a wave's dataset (no Django).

Its arithmetic is sums over a wave's units: vectors of at most a few hundred thousand numbers,
too short for the linear-algebra library's threads to pay. On a shared 2-core server those
threads wait on each other instead (a dot product of 100,000 numbers took 13 ms rather than
0.03 ms at a load of 14), so they are held to one here, once numpy is loaded.
"""

import numpy  # noqa: F401 - loaded first, so that the limit below finds its linear-algebra library
from threadpoolctl import threadpool_limits

threadpool_limits(limits=1, user_api="blas")
