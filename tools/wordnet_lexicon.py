#!/usr/bin/env python3
"""Writes `src/domain/similarity/wordnet.txt`, the small synonym and
antonym table `Fingerprint::compare_reviewed` reads, from WordNet 3.0.

The table is derived from WordNet alone (its synsets, pointers and the
SemCor tag counts in `cntlist.rev`), never from the pair sets the matcher
is measured on. Only frequent, unambiguous words are kept: a word enters
the table through its first (most frequent) sense only, and only when
that sense was tagged in SemCor at least `MIN_TAGS` times and is at least
`DOMINANT` of all the word's tagged uses. Plain Python, no packages.

    apt-get install -y wordnet-base      # Debian: data in /usr/share/wordnet
    python3 tools/wordnet_lexicon.py /usr/share/wordnet \
        > src/domain/similarity/wordnet.txt

Lines of the table (words lower-case, single words only):

    = a b     a and b name one sense (both words' first sense): synonyms
    > a b     b is a more general word for a (a hypernym of a's first sense
              within `HYPERNYM_STEPS` steps, b's first sense): "car" > "vehicle"
    ! a b     a and b are antonyms in WordNet (first senses)
    @ f w     f is an irregular form of w (from WordNet's .exc lists)

WordNet 3.0 Copyright 2006 by Princeton University (licence in
`src/domain/similarity/WORDNET_LICENSE`).
"""

import os
import sys
from collections import defaultdict

# A sense must be tagged this often in SemCor to count as a frequent word.
MIN_TAGS = 5
# Antonyms are a short list WordNet's editors wrote by hand: a sense tagged
# once will do.
MIN_TAGS_ANTONYM = 1
# ... and be at least this share of the word's tagged uses, every part of
# speech counted ("fall" is a season less often than a movement).
DOMINANT = 0.5
# How many hypernym steps up a more general word may be, and how many
# kinds (direct hyponyms) it may have: "vehicle" for "car", not "person"
# for "senator".
HYPERNYM_STEPS = 2
MAX_KINDS = 25
# ... and how far below the top it must be: "quantity" is no word for
# "hour", nor "event" for "production".
MIN_DEPTH = 5
POS = {"n": ("noun", 1), "v": ("verb", 2), "a": ("adj", 3)}


def read_data(path):
    """offset -> (lex_filenum, ss_type, [(lemma, lex_id)], [(ptr, offset, pos, src_tgt)])"""
    synsets = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split(" | ")[0].split()
            offset, lexfile, ss_type = fields[0], fields[1], fields[2]
            w_cnt = int(fields[3], 16)
            words = []
            i = 4
            for _ in range(w_cnt):
                lemma = fields[i]
                if ss_type in "as" and "(" in lemma:
                    lemma = lemma[: lemma.index("(")]
                words.append((lemma.lower(), int(fields[i + 1], 16)))
                i += 2
            p_cnt = int(fields[i])
            i += 1
            ptrs = []
            for _ in range(p_cnt):
                ptrs.append((fields[i], fields[i + 1], fields[i + 2], fields[i + 3]))
                i += 4
            synsets[offset] = (lexfile, ss_type, words, ptrs)
    return synsets


def read_index(path):
    """lemma -> [synset offsets], most frequent sense first"""
    senses = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split()
            lemma, synset_cnt, p_cnt = fields[0], int(fields[2]), int(fields[3])
            offsets = fields[4 + p_cnt + 2 :]
            assert len(offsets) == synset_cnt, line
            senses[lemma] = offsets
    return senses


def read_counts(path):
    """sense key -> SemCor tag count"""
    counts = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            key, _number, tags = line.split()
            counts[key] = int(tags)
    return counts


def read_exceptions(path):
    """[(inflected form, lemma)]"""
    pairs = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            fields = line.split()
            pairs.extend((fields[0], lemma) for lemma in fields[1:])
    return pairs


def simple(word):
    return word.isalpha() and word.isascii() and len(word) >= 3


def main(root):
    counts = read_counts(os.path.join(root, "cntlist.rev"))
    tagged = {}  # (pos, lemma) -> (first-sense offset, its tags, all the POS's tags)
    data = {}
    for pos, (name, number) in POS.items():
        synsets = read_data(os.path.join(root, f"data.{name}"))
        data[pos] = synsets
        for lemma, offsets in read_index(os.path.join(root, f"index.{name}")).items():
            if not simple(lemma):
                continue

            def tags(offset):
                lexfile, ss_type, words, _ = synsets[offset]
                if ss_type == "s":
                    return 0
                lex_id = next((lid for w, lid in words if w == lemma), None)
                if lex_id is None:
                    return 0
                return counts.get(f"{lemma}%{number}:{lexfile}:{lex_id:02d}::", 0)

            all_tags = [tags(o) for o in offsets]
            tagged[(pos, lemma)] = (offsets[0], all_tags[0], sum(all_tags))
    every_pos = defaultdict(int)
    for (pos, lemma), (_, _, total) in tagged.items():
        every_pos[lemma] += total
    # (pos, lemma) -> first-sense offset, for frequent words whose first
    # sense is most of their use; `attested` for antonyms.
    first, attested = {}, {}
    for (pos, lemma), (offset, top, _) in tagged.items():
        if top >= DOMINANT * every_pos[lemma]:
            if top >= MIN_TAGS:
                first[(pos, lemma)] = offset
            if top >= MIN_TAGS_ANTONYM:
                attested[(pos, lemma)] = offset

    by_offset = defaultdict(list)
    for (pos, lemma), offset in first.items():
        by_offset[(pos, offset)].append(lemma)

    lines = set()
    for (pos, offset), lemmas in by_offset.items():
        for a in lemmas:
            for b in lemmas:
                if a < b:
                    lines.add(("=", a, b))
    nouns = data["n"]
    depths = {}

    def depth(o):
        """Hypernym steps from the top ("entity")."""
        if o not in depths:
            depths[o] = 0
            up = [p[1] for p in nouns[o][3] if p[0] in ("@", "@i") and p[2] == "n"]
            depths[o] = 1 + min(map(depth, up)) if up else 0
        return depths[o]

    for (pos, lemma), offset in first.items():
        if pos != "n":
            continue
        synsets = data[pos]
        frontier = [offset]
        for _ in range(HYPERNYM_STEPS):
            up = []
            for o in frontier:
                up.extend(p[1] for p in synsets[o][3] if p[0] == "@" and p[2] == pos)
            for o in up:
                kinds = sum(1 for p in synsets[o][3] if p[0] in ("~", "~i"))
                if kinds > MAX_KINDS or depth(o) < MIN_DEPTH:
                    continue
                for general in by_offset.get((pos, o), []):
                    if general != lemma:
                        lines.add((">", lemma, general))
            frontier = up
    for (pos, lemma), offset in attested.items():
        if pos == "a":
            continue
        synsets = data[pos]
        # Antonyms: lexical pointers from this word's first sense.
        _, _, words, ptrs = synsets[offset]
        index_of = {w: n for n, (w, _) in enumerate(words, 1)}
        for ptr, target, tpos, src_tgt in ptrs:
            if ptr != "!" or tpos != pos:
                continue
            src, tgt = int(src_tgt[:2], 16), int(src_tgt[2:], 16)
            if src != index_of.get(lemma):
                continue
            other = synsets[target][2][tgt - 1][0]
            if attested.get((pos, other)) == target:
                a, b = sorted((lemma, other))
                lines.add(("!", a, b))
    # Adjective antonyms ("higher"/"lower" come as "high"/"low").
    for (pos, lemma), offset in attested.items():
        if pos != "a":
            continue
        synsets = data[pos]
        _, _, words, ptrs = synsets[offset]
        index_of = {w: n for n, (w, _) in enumerate(words, 1)}
        for ptr, target, tpos, src_tgt in ptrs:
            if ptr != "!" or tpos != "a":
                continue
            src, tgt = int(src_tgt[:2], 16), int(src_tgt[2:], 16)
            if src != index_of.get(lemma):
                continue
            other = synsets[target][2][tgt - 1][0]
            if attested.get(("a", other)) == target:
                a, b = sorted((lemma, other))
                lines.add(("!", a, b))

    used = {w for _, a, b in lines for w in (a, b)}
    for name in ("noun", "verb", "adj"):
        for form, lemma in read_exceptions(os.path.join(root, f"{name}.exc")):
            if lemma in used and simple(form) and form != lemma:
                lines.add(("@", form, lemma))

    print("# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.")
    print("# Derived by tools/wordnet_lexicon.py; licence in WORDNET_LICENSE.")
    for kind, a, b in sorted(lines, key=lambda l: ("=>!@".index(l[0]), l[1], l[2])):
        print(kind, a, b)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet")
