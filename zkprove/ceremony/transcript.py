"""The ceremony's files: a phase-1 step (accumulator + proofs) and a phase-2 step's proof.

Both are iden3 binary containers (:mod:`zkprove.formats.binfile`: magic,
version, then typed sections, every integer little-endian), so the same
tools that read ``.r1cs`` and ``.ptau`` files can list their sections.
Points use the canonical encoding of :mod:`.encoding` (affine, standard
form, 32-byte little-endian coordinates, Fq2 real part first, infinity all
zero) and are validated when read (on the curve, G2 subgroup). Names are
UTF-8. Writing then reading gives back the same values, and reading then
writing the same bytes.

**Phase-1 step** (``.zkptau``), magic ``zkp1``, version 1::

    1 header        power:u32  index:u32  name_len:u32  name[name_len]
    2 tau_g1        (2n - 1) G1 points, n = 2^power
    3 tau_g2        n G2 points
    4 alpha_tau_g1  n G1 points
    5 beta_tau_g1   n G1 points
    6 beta_g2       1 G2 point
    7 proofs        3 proofs of knowledge (tau, alpha, beta), each
                    [s]_1 [s*x]_1 [x*r]_2; absent in step 0, the initial accumulator

**Phase-2 step proof** (``.zkpok``), magic ``zkp2``, version 1; the step's
key itself is a proving-key file (:mod:`zkprove.groth16.keys`) beside it::

    1 header        index:u32  name_len:u32  name[name_len]
    2 proof         the proof of knowledge of delta's multiplier d

Every malformation raises :class:`~zkprove.formats.binfile.FormatError`
naming the file kind, the section or field, and the byte offset.
"""

from dataclasses import dataclass, fields

from zkprove.curve import G1, G2, Group
from zkprove.formats.binfile import (
    BinFile,
    FormatError,
    SectionReader,
    Source,
    load_bytes,
    pack_binfile,
)

from .encoding import POINT_BYTES, points_from_bytes, points_to_bytes
from .phase1 import MAX_POWER, Accumulator
from .phase1 import Contribution as Phase1Contribution
from .phase2 import Contribution as Phase2Contribution
from .pok import KnowledgeProof

PHASE1_MAGIC, PHASE2_MAGIC, VERSION = b"zkp1", b"zkp2", 1
_HEADER, _PROOFS = 1, 7
#: Section type of each accumulator field, in file order.
_ACCUMULATOR_SECTIONS = {"tau_g1": 2, "tau_g2": 3, "alpha_tau_g1": 4, "beta_tau_g1": 5, "beta_g2": 6}
_PHASE2_PROOF = 2
_PROOF_BYTES = 2 * POINT_BYTES["G1"] + POINT_BYTES["G2"]
_MAX_NAME_BYTES = 1024


@dataclass(frozen=True)
class Phase1Step:
    """Step ``index`` of phase 1: the accumulator after it and, from step 1 on, its proofs."""

    index: int
    name: str
    accumulator: Accumulator
    contribution: Phase1Contribution | None


@dataclass(frozen=True)
class Phase2Step:
    """Step ``index`` (>= 1) of phase 2: who contributed and the proof of knowledge of d."""

    index: int
    name: str
    contribution: Phase2Contribution


def _group(field_name: str) -> Group:
    return G2 if field_name.endswith("g2") else G1


def _name_bytes(name: str) -> bytes:
    raw = name.encode()
    if len(raw) > _MAX_NAME_BYTES:
        raise ValueError(f"contributor name is {len(raw)} bytes, at most {_MAX_NAME_BYTES} allowed")
    return len(raw).to_bytes(4, "little") + raw


def _proof_bytes(proof: KnowledgeProof) -> bytes:
    return points_to_bytes(G1, proof.s_g1[None]) + points_to_bytes(G1, proof.sx_g1[None]) + points_to_bytes(G2, proof.rx_g2[None])


def phase1_bytes(step: Phase1Step) -> bytes:
    """The ``.zkptau`` encoding of a phase-1 step."""
    acc = step.accumulator
    header = acc.power.to_bytes(4, "little") + step.index.to_bytes(4, "little") + _name_bytes(step.name)
    sections = [(_HEADER, header)]
    for name, type_id in _ACCUMULATOR_SECTIONS.items():
        group = _group(name)
        sections.append((type_id, points_to_bytes(group, getattr(acc, name).reshape((-1, 2) + group.element_shape))))
    if step.contribution is not None:
        proofs = step.contribution
        sections.append((_PROOFS, b"".join(_proof_bytes(getattr(proofs, f.name)) for f in fields(proofs))))
    return pack_binfile(PHASE1_MAGIC, VERSION, sections)


def phase2_bytes(step: Phase2Step) -> bytes:
    """The ``.zkpok`` encoding of a phase-2 step's proof."""
    header = step.index.to_bytes(4, "little") + _name_bytes(step.name)
    return pack_binfile(PHASE2_MAGIC, VERSION, [(_HEADER, header), (_PHASE2_PROOF, _proof_bytes(step.contribution.delta))])


def _read_name(section: SectionReader) -> str:
    length = section.u32("name length")
    if length > _MAX_NAME_BYTES:
        raise section.error(f"name length {length} exceeds {_MAX_NAME_BYTES}")
    try:
        return bytes(section.take(length, "name")).decode()
    except UnicodeDecodeError:
        raise section.error("name is not UTF-8") from None


def _read_points(section: SectionReader, group: Group, count: int, what: str):
    start = section.pos
    raw = section.take(count * POINT_BYTES[group.name], f"{count} {group.name} points of {what}")
    try:
        return points_from_bytes(group, raw, what)
    except ValueError as error:
        raise section.error(str(error), start) from None


def _read_proof(section: SectionReader, what: str) -> KnowledgeProof:
    s_g1, sx_g1 = _read_points(section, G1, 2, f"{what} proof [s]_1, [s*x]_1")
    return KnowledgeProof(s_g1, sx_g1, _read_points(section, G2, 1, f"{what} proof [x*r]_2")[0])


def read_phase1(source: Source) -> Phase1Step:
    """Read a ``.zkptau`` phase-1 step (a path or its bytes); FormatError names what is wrong."""
    binfile = BinFile(load_bytes(source), "phase-1 step", PHASE1_MAGIC, VERSION)
    header = binfile.section(_HEADER, "header")
    power, index = header.u32("power"), header.u32("index")
    if not 1 <= power <= MAX_POWER:
        raise header.error(f"power {power} outside [1, {MAX_POWER}]")
    name = _read_name(header)
    header.expect_end()
    n = 1 << power
    counts = {"tau_g1": 2 * n - 1, "tau_g2": n, "alpha_tau_g1": n, "beta_tau_g1": n, "beta_g2": 1}
    values = {}
    for field_name, type_id in _ACCUMULATOR_SECTIONS.items():
        section = binfile.section(type_id, field_name)
        values[field_name] = _read_points(section, _group(field_name), counts[field_name], field_name)
        section.expect_end()
    values["beta_g2"] = values["beta_g2"][0]
    proofs_section = binfile.section(_PROOFS, "proofs", required=index > 0)
    contribution = None
    if proofs_section is not None:
        if index == 0:
            raise proofs_section.error("the initial accumulator (step 0) carries no proofs")
        contribution = Phase1Contribution(*(_read_proof(proofs_section, f.name) for f in fields(Phase1Contribution)))
        proofs_section.expect_end()
    return Phase1Step(index, name, Accumulator(**values), contribution)


def read_phase2(source: Source) -> Phase2Step:
    """Read a ``.zkpok`` phase-2 step proof (a path or its bytes); FormatError names what is wrong."""
    binfile = BinFile(load_bytes(source), "phase-2 proof", PHASE2_MAGIC, VERSION)
    header = binfile.section(_HEADER, "header")
    index = header.u32("index")
    name = _read_name(header)
    header.expect_end()
    section = binfile.section(_PHASE2_PROOF, "proof")
    proof = _read_proof(section, "delta")
    section.expect_end()
    return Phase2Step(index, name, Phase2Contribution(proof))


__all__ = ["FormatError", "Phase1Step", "Phase2Step", "phase1_bytes", "phase2_bytes", "read_phase1", "read_phase2"]
