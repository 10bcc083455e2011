"""Run a per-block kernel over the blocks of a large input.

Every numpy kernel is written as a function of one block (a ``slice`` of the
samples) that returns that block's partial result; :func:`map_blocks` calls
it for each block and returns the results in block order, so that the caller
adds them up in the same order whatever runs them.
"""


def map_blocks(func, n, step):
    """Results of ``func(slice(start, start + step))`` for each block of ``range(n)``.

    Parameters
    ----------
    func : callable
        Takes a ``slice`` of the samples and returns that block's partial
        result.  It must not write to memory shared with other blocks.
    n : int
        Number of samples.
    step : int
        Samples per block.

    Returns
    -------
    results : list
        One result per block, in block order.

    Examples
    --------
    >>> from skbce._losses.parallel import map_blocks
    >>> map_blocks(lambda block: (block.start, block.stop), 5, 2)
    [(0, 2), (2, 4), (4, 6)]
    """
    return [func(slice(start, start + step)) for start in range(0, n, step)]
