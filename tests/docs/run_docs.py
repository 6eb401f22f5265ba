#!/usr/bin/env python3
"""Docs that run: every shell block in README.md, docs/*.md and the man pages'
EXAMPLES sections is executed as printed, after `make`, and must succeed (or
exit with the status the document announces) and print what it shows.

    python3 tests/docs/run_docs.py --top . --build build [FILE...]
    python3 tests/docs/run_docs.py --extract README.md example.c

The conventions a document follows are in tests/docs/README.md.  In short:

  * ```sh / ```shell / ```bash / ```console blocks run; ```text and others do
    not.  An untagged block that looks like commands is an error, so that an
    example cannot escape the test by accident.
  * In a block with "$ " prompts, the prompt lines are commands and the lines
    under each are its expected output (compared loosely, see match_output);
    without prompts every line is a command and the output is not compared.
  * An HTML comment right above a block annotates it:
        <!-- doc-test: exit 1 -->          the block's last command exits 1
        <!-- doc-test: skip REASON -->     not run (REASON is required)
        <!-- doc-test: file NAME -->       not run: written to NAME (e.g. C source)
        <!-- doc-test: setup: COMMANDS --> run COMMANDS first, unseen by readers
        <!-- doc-test: port 8443 -->       8443 becomes a free port in this document
    In a man page the same words follow a roff comment: .\\" doc-test: skip REASON
  * Each document runs top to bottom in one shell, in its own scratch
    directory that mirrors the source tree (symlinks), with build/ on PATH,
    HOME inside the scratch directory and "/tmp/" rewritten to a private
    directory, so runs never collide and never touch the real home.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

RUN_LANGS = {"sh", "shell", "bash", "console"}
COMMAND_WORDS = ("$ ", "build/", "certgen ", "trustcheck ", "make ", "openssl ", "curl ",
                 "cc ", "./", "sudo ")
ANNOT_RE = re.compile(r"^\s*<!--\s*doc-test:\s*(.*?)\s*-->\s*$")
ROFF_ANNOT_RE = re.compile(r'^\.\\"\s*doc-test:\s*(.*?)\s*$')
CMD_TIMEOUT = 120  # seconds one command may run
RUNNING = []      # the document shells, killed with their children if we are


def watch(proc, rcdir):
    """Waits for the document shell; kills it when one command runs too long."""
    seen, since = -1, time.monotonic()
    while proc.poll() is None:
        n = len(os.listdir(rcdir))
        if n != seen:
            seen, since = n, time.monotonic()
        elif time.monotonic() - since > CMD_TIMEOUT:
            return
        time.sleep(0.1)


def on_signal(signum, _frame):
    for p in RUNNING:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    sys.exit(128 + signum)


class DocError(Exception):
    """A document breaks the conventions; reported as that document's failure."""


class Block:
    def __init__(self, path, line, lang, text, annots):
        self.path, self.line, self.lang, self.text = path, line, lang, text
        self.annots = annots  # list of (word, rest)
        self.commands = []    # (line, command, expected output lines or None)

    def annot(self, word):
        return [rest for w, rest in self.annots if w == word]


def parse_annot(text, path, line):
    word, _, rest = text.partition(" ")
    word = word.rstrip(":")
    if word not in ("exit", "skip", "file", "setup", "port"):
        raise DocError(f"{path}:{line}: unknown doc-test annotation '{text}'")
    if word == "skip" and not rest.strip():
        raise DocError(f"{path}:{line}: doc-test: skip needs a reason")
    if word == "exit" and not rest.strip().isdigit():
        raise DocError(f"{path}:{line}: doc-test: exit needs a number")
    return (word, rest.strip())


def looks_like_commands(text):
    first = next((l.strip() for l in text.splitlines() if l.strip()), "")
    return first.startswith(COMMAND_WORDS)


def read_lines(top, rel):
    with open(os.path.join(top, rel), encoding="utf-8") as f:
        return f.read().splitlines()


def markdown_blocks(top, path):
    lines = read_lines(top, path)
    blocks, annots, i = [], [], 0
    while i < len(lines):
        m = ANNOT_RE.match(lines[i])
        fence = re.match(r"^(```+|~~~+)\s*([\w+-]*)", lines[i])
        if m:
            annots.append(parse_annot(m.group(1), path, i + 1))
        elif fence:
            marker, lang = fence.group(1), fence.group(2).lower()
            start = i + 1
            i += 1
            body = []
            while i < len(lines) and not lines[i].startswith(marker):
                body.append(lines[i])
                i += 1
            text = "\n".join(body) + "\n"
            if not lang and looks_like_commands(text) and not annots:
                raise DocError(f"{path}:{start}: commands in an untagged block: tag it "
                                 "```sh (it runs) or ```text (it does not)")
            blocks.append(Block(path, start, lang, text, annots))
            annots = []
        elif lines[i].strip():
            annots = []
        i += 1
    return blocks


def roff_unescape(s):
    for a, b in (("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'), ("\\&", ""), ("\\e", "\\"),
                 ("\\(ti", "~"), ("\\(ha", "^"), ("\\~", " ")):
        s = s.replace(a, b)
    return re.sub(r"\\f[BIRP]", "", s)


def man_blocks(top, path):
    """The .nf/.fi (or .EX/.EE) blocks of the EXAMPLES section, as shell blocks."""
    lines = read_lines(top, path)
    blocks, annots, in_examples, i = [], [], False, 0
    while i < len(lines):
        l = lines[i]
        if l.startswith(".SH"):
            in_examples = "EXAMPLE" in l.upper()
        elif in_examples and ROFF_ANNOT_RE.match(l):
            annots.append(parse_annot(ROFF_ANNOT_RE.match(l).group(1), path, i + 1))
        elif in_examples and l.split()[:1] in ([".nf"], [".EX"]):
            start = i + 1
            body = []
            i += 1
            while i < len(lines) and lines[i].split()[:1] not in ([".fi"], [".EE"]):
                if not lines[i].startswith("."):
                    body.append(roff_unescape(lines[i]))
                i += 1
            blocks.append(Block(path, start + 1, "sh", "\n".join(body) + "\n", annots))
            annots = []
        i += 1
    return blocks


def split_commands(block):
    """Commands with their line numbers and, under prompts, expected output."""
    lines = block.text.splitlines()
    prompted = any(l.startswith("$ ") for l in lines)
    cmds, i = [], 0
    while i < len(lines):
        l = lines[i]
        lineno = block.line + 1 + i
        if prompted and not l.startswith("$ "):
            i += 1  # output before the first prompt cannot belong to anything
            continue
        cmd = l[2:] if prompted else l
        while cmd.endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd = cmd + "\n" + lines[i]
        i += 1
        expected = None
        if prompted:
            expected = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i])
                i += 1
        if cmd.strip() and not cmd.strip().startswith("#"):
            cmds.append((lineno, cmd, expected))
    return cmds


def norm(s):
    return " ".join(s.split())


def match_output(expected, actual):
    """Each shown line, whitespace collapsed and with "..." matching any text,
    must appear in the output in order; a line that is only "..." stands for
    lines left out, and unshown lines may appear anywhere.  Returns the first
    shown line that was not found, or None."""
    got = [norm(l) for l in actual.splitlines()]
    pos = 0
    for e in expected:
        e = norm(e)
        if not e or e == "...":
            continue
        # "at ..." also matches a line that wraps right after "at".
        pat = re.compile("^" + ".*".join(re.escape(p.strip()) for p in e.split("...")) + "$")
        while pos < len(got) and not pat.match(got[pos]):
            pos += 1
        if pos == len(got):
            return e
        pos += 1
    return None


def mirror_tree(top, dest):
    """The scratch directory sees the source tree through symlinks."""
    for name in os.listdir(top):
        if name in (".git",):
            continue
        os.symlink(os.path.join(top, name), os.path.join(dest, name))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Doc:
    def __init__(self, rel, blocks):
        self.rel, self.blocks = rel, blocks


def plan(top, rel):
    blocks = man_blocks(top, rel) if re.search(r"\.[1-8]$", rel) else markdown_blocks(top, rel)
    for b in blocks:
        b.path = rel
        if b.lang in RUN_LANGS and not b.annot("skip") and not b.annot("file"):
            b.commands = split_commands(b)
    return Doc(rel, blocks)


def rewrite(text, subs):
    for a, b in subs:
        text = text.replace(a, b)
    return text


def run_doc(doc, top, build, verbose):
    """Runs one document; returns (failures, commands run, skips)."""
    runnable = [b for b in doc.blocks if b.commands or b.annot("file") or b.annot("setup")]
    skips = [(b, b.annot("skip")[0]) for b in doc.blocks if b.annot("skip")]
    if not runnable:
        return [], 0, skips
    scratch = tempfile.mkdtemp(prefix="doctest-")
    work = os.path.join(scratch, "work")
    os.makedirs(work)
    for d in ("tmp", "home", "rc"):
        os.makedirs(os.path.join(scratch, d))
    mirror_tree(top, work)
    subs = [("/tmp/", scratch + "/tmp/")]
    for b in doc.blocks:
        for p in b.annot("port"):
            subs.append((p, str(free_port())))

    script = ["set +e", f"cd {sh_quote(work)}"]
    steps = []  # (block, line, command, expected, expected rc)
    for b in doc.blocks:
        for name in b.annot("file"):
            with open(os.path.join(work, name), "w", encoding="utf-8") as f:
                f.write(b.text)
        for setup in b.annot("setup"):
            steps.append((b, b.line, setup, None, 0, True))
        for k, (line, cmd, expected) in enumerate(b.commands):
            want = 0
            if k == len(b.commands) - 1 and b.annot("exit"):
                want = int(b.annot("exit")[0])
            steps.append((b, line, cmd, expected, want, False))
    for n, (b, line, cmd, expected, want, setup) in enumerate(steps):
        out = os.path.join(scratch, "rc", f"out.{n}")
        rcf = os.path.join(scratch, "rc", f"rc.{n}")
        script.append(f"{{\n{rewrite(cmd, subs)}\n}} >{sh_quote(out)} 2>&1 </dev/null")
        script.append(f"rc=$?; echo $rc >{sh_quote(rcf)}; [ $rc = {want} ] || exit 97")

    env = dict(os.environ)
    env.update(HOME=os.path.join(scratch, "home"), TMPDIR=os.path.join(scratch, "tmp"),
               PATH=os.path.join(top, build) + os.pathsep + env.get("PATH", ""),
               NO_COLOR="1", LC_ALL="C.UTF-8")
    env.pop("CERTGEN_DIR", None)
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    env.pop("MAKELEVEL", None)
    proc = subprocess.Popen(["bash", "-c", "\n".join(script)], cwd=work, env=env,
                            start_new_session=True)
    RUNNING.append(proc)
    try:
        watch(proc, os.path.join(scratch, "rc"))
    finally:
        try:  # servers a document started in the background go with it
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        RUNNING.remove(proc)

    failures, ran = [], 0
    for n, (b, line, cmd, expected, want, setup) in enumerate(steps):
        rcf = os.path.join(scratch, "rc", f"rc.{n}")
        what = "setup" if setup else "command"
        if not os.path.exists(rcf):
            failures.append(f"{doc.rel}:{line}: {what} did not finish within {CMD_TIMEOUT}s "
                            f"(a server left in the foreground?):\n    {cmd}")
            break
        ran += 1
        rc = int(open(rcf).read())
        output = open(os.path.join(scratch, "rc", f"out.{n}"), errors="replace").read()
        shown = rewrite_back(output, scratch)
        if rc != want:
            failures.append(f"{doc.rel}:{line}: {what} exited {rc}, the document expects "
                            f"{want}:\n    {cmd}\n{indent(shown)}")
            break
        if expected:
            missing = match_output([rewrite(e, subs) for e in expected], output)
            if missing is not None:
                failures.append(f"{doc.rel}:{line}: output does not show what the document "
                                f"prints:\n    {cmd}\n  missing line: "
                                f"{rewrite_back(missing, scratch)}\n  actual output:\n"
                                f"{indent(shown)}")
        if verbose:
            print(f"  ok {doc.rel}:{line}: {cmd.splitlines()[0]}")
    shutil.rmtree(scratch, ignore_errors=True)
    return failures, ran, skips


def rewrite_back(text, scratch):
    return text.replace(scratch + "/tmp/", "/tmp/")


def indent(text, limit=60):
    lines = text.rstrip("\n").splitlines()
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
    return "\n".join("      | " + l for l in lines) if lines else "      (no output)"


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def default_docs(top):
    docs = ["README.md"]
    d = os.path.join(top, "docs")
    docs += sorted(f"docs/{f}" for f in os.listdir(d) if f.endswith(".md"))
    docs += sorted(f"docs/{f}" for f in os.listdir(d) if re.search(r"\.[1-8]$", f))
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", default=".")
    ap.add_argument("--build", default="build")
    ap.add_argument("--extract", nargs=2, metavar=("DOC", "NAME"),
                    help="print the block annotated 'file NAME' in DOC")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("docs", nargs="*")
    a = ap.parse_args()
    top = os.path.abspath(a.top)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if a.extract:
        doc = plan(top, a.extract[0])
        for b in doc.blocks:
            if a.extract[1] in b.annot("file"):
                sys.stdout.write(b.text)
                return 0
        print(f"{a.extract[0]}: no block annotated 'doc-test: file {a.extract[1]}'",
              file=sys.stderr)
        return 2

    total_fail, total_cmds, total_skips = [], 0, []
    for rel in a.docs or default_docs(top):
        try:
            doc = plan(top, rel)
            failures, ran, skips = run_doc(doc, top, a.build, a.verbose)
        except DocError as e:
            failures, ran, skips = [str(e)], 0, []
        status = "FAIL" if failures else "ok"
        print(f"docs: {status:4} {rel}: {ran} commands run, {len(skips)} blocks skipped")
        for f in failures:
            print("  " + f.replace("\n", "\n  "))
        total_fail += failures
        total_cmds += ran
        total_skips += skips
    for b, why in total_skips:
        print(f"docs: skipped {b.path}:{b.line}: {why}")
    print(f"docs: {total_cmds} commands run, {len(total_fail)} failures, "
          f"{len(total_skips)} blocks skipped")
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
