"""A look inside an uploaded zip (.zip, .docx, .xlsx, .odt, .ods) that stays small whatever
the archive claims: the number of entries is bounded before zipfile parses the directory,
every declared size is checked before anything is read, and a member is read only a few KB.

``inspect(stream)`` returns an ``Archive`` or raises ``Unsafe``; any other failure of the
parser on hostile bytes is turned into ``Unsafe`` too, so a caller has one error to refuse.
"""
import zipfile
from dataclasses import dataclass

MAX_ENTRIES = 10_000
MAX_UNPACKED = 1024 * 1024 * 1024  # all members together, as declared
MAX_RATIO = 100  # unpacked / packed; Apache POI refuses office files beyond this too
RATIO_GRACE = 1024 * 1024  # small members of repeated bytes legitimately exceed the ratio
MEMBER_READ = 4096  # the most read from one member
READABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # inflated with a bounded output
KNOWN_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                 zipfile.ZIP_LZMA)
CENTRAL_ENTRY = b"PK\x01\x02"
SCAN_CHUNK = 1024 * 1024


class Unsafe(Exception):
    """The archive is damaged, encrypted, uses an unknown method or unpacks to too much."""


@dataclass
class Archive:
    names: set
    archive: zipfile.ZipFile

    def head(self, name, limit=MEMBER_READ):
        """The first ``limit`` bytes of a member, None when it is absent or larger."""
        if name not in self.names:
            return None
        info = self.archive.getinfo(name)
        if info.file_size > limit:
            return None
        if info.compress_type not in READABLE:
            raise Unsafe(f"{name}: method {info.compress_type} not read")
        with self.archive.open(info) as member:
            return member.read(limit + 1)  # to the end: zipfile then checks the CRC


def inspect(stream, what):
    """Open the zip in ``stream`` (seekable) and return ``what(Archive)``; the stream is
    rewound afterwards. Raises Unsafe for anything but a sane archive."""
    try:
        size = stream.seek(0, 2)
        if _central_entries_at_most(stream) > MAX_ENTRIES:
            raise Unsafe("too many entries")
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            _check_declared(archive.infolist(), size)
            return what(Archive(set(archive.namelist()), archive))
    except Unsafe:
        raise
    except Exception as exc:  # hostile bytes reach corners of zipfile, zlib, bz2, lzma
        raise Unsafe(f"{type(exc).__name__}: {exc}") from exc
    finally:
        stream.seek(0)


def _central_entries_at_most(stream):
    """An upper bound of the entries zipfile would create: each starts with the central
    directory signature, so count those (before zipfile allocates one object per entry)."""
    stream.seek(0)
    count, tail = 0, b""
    while chunk := stream.read(SCAN_CHUNK):
        window = tail + chunk
        count += window.count(CENTRAL_ENTRY)
        tail = window[-(len(CENTRAL_ENTRY) - 1):]
    return count


def _check_declared(infos, size):
    if len(infos) > MAX_ENTRIES:
        raise Unsafe("too many entries")
    unpacked = packed = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Unsafe(f"{info.filename}: encrypted")
        if info.compress_type not in KNOWN_METHODS:
            raise Unsafe(f"{info.filename}: method {info.compress_type}")
        if info.compress_size > size or info.header_offset > size:
            raise Unsafe(f"{info.filename}: beyond the end of the file")
        if info.compress_size > info.file_size + info.file_size // 100 + 1024:
            raise Unsafe(f"{info.filename}: declared size smaller than its data")
        if info.file_size > RATIO_GRACE and info.file_size > MAX_RATIO * info.compress_size:
            raise Unsafe(f"{info.filename}: unpacks {info.file_size} from {info.compress_size}")
        unpacked += info.file_size
        packed += info.compress_size
    if unpacked > MAX_UNPACKED or (unpacked > RATIO_GRACE and unpacked > MAX_RATIO * packed):
        raise Unsafe(f"unpacks {unpacked} from {packed}")
