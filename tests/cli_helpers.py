"""Running the command line in-process, the way every CLI test does."""

import hplab


def run_cli(argv, capsys):
    """(exit code, stdout, stderr); argparse errors exit through SystemExit."""
    try:
        code = hplab.main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err
