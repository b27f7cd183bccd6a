"""Hostile archives, small on disk, for the upload tests and benchmarks/hostile_uploads.py:
bombs, sizes that lie, encryption, unknown methods, damage, too many entries."""
import io
import struct
import zipfile
import zlib

ODT_TYPE = b"application/vnd.oasis.opendocument.text"
CENTRAL = b"PK\x01\x02"
MB = 1024 * 1024


def _zip(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odt(extra=b""):
    return _zip({"mimetype": ODT_TYPE + extra, "content.xml": "<x/>"})


def docx():
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def odt_bomb(inflated):
    """An .odt whose ``mimetype`` member is the right type followed by ``inflated`` bytes
    of spaces (which ``strip()`` would discard): ~1000:1, written a MB at a time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            member.write(ODT_TYPE)
            chunk = b" " * MB
            for _ in range(inflated // MB):
                member.write(chunk)
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


def patched(data, member, **fields):
    """``data`` with fields of ``member``'s local and central headers rewritten:
    flags, method, crc, file_size (plain, not zip64, archives)."""
    local_at = {"flags": (6, "<H"), "method": (8, "<H"), "crc": (14, "<L"),
                "file_size": (22, "<L")}
    central_at = {"flags": (8, "<H"), "method": (10, "<H"), "crc": (16, "<L"),
                  "file_size": (24, "<L")}
    buffer = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    central = _central_header(buffer, member)
    for field, value in fields.items():
        for start, layout in ((info.header_offset, local_at), (central, central_at)):
            offset, fmt = layout[field]
            struct.pack_into(fmt, buffer, start + offset, value)
    return bytes(buffer)


def _central_header(buffer, member):
    name = member.encode()
    at = buffer.find(CENTRAL)
    while at >= 0:
        length = struct.unpack_from("<H", buffer, at + 28)[0]
        if buffer[at + 46:at + 46 + length] == name:
            return at
        at = buffer.find(CENTRAL, at + 1)
    raise KeyError(member)


def declared_huge(kind):
    """A .docx, .xlsx or .zip whose first member claims to unpack to almost 4 GB."""
    members = {"docx": ("word/document.xml", "<w:document/>" * 100),
               "xlsx": ("xl/workbook.xml", "<workbook/>" * 100),
               "zip": ("bukti/foto.txt", "isi" * 100)}
    name, text = members[kind]
    return patched(_zip({name: text, "[Content_Types].xml": "<Types/>"}), name,
                   file_size=0xFFFFFFF0)


def encrypted():
    """An .odt whose mimetype member is marked encrypted (reading it needs a password)."""
    return patched(odt(), "mimetype", flags=0x1)


def deflate64():
    """An .odt whose members say compression method 9 (deflate64), unknown to zipfile."""
    data = odt()
    for name in ("mimetype", "content.xml"):
        data = patched(data, name, method=9)
    return data


def corrupt_deflate():
    """An .odt whose mimetype member's compressed bytes are garbage (zlib.error)."""
    data = bytearray(odt())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("mimetype")
    start = info.header_offset + 30 + len("mimetype")
    data[start:start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)


def corrupt_directory():
    """A .docx whose central directory is overwritten with noise."""
    data = bytearray(docx())
    at = data.find(CENTRAL)
    data[at:at + 40] = b"\x13" * 40
    return bytes(data)


def truncated():
    """A .docx cut short: the end of the central directory is missing."""
    data = docx()
    return data[:len(data) - 30]


def lying_size(bomb):
    """The .odt ``bomb`` with its mimetype member declaring only the 39 bytes of the type
    (and their CRC), while it still holds all the compressed spaces."""
    return patched(bomb, "mimetype", file_size=len(ODT_TYPE), crc=zlib.crc32(ODT_TYPE))


def many_entries(count):
    """A .zip of ``count`` entries: only a central directory, no data (each 47 bytes)."""
    directory = bytearray()
    for i in range(count):
        name = b"%x" % (i % 16)
        directory += struct.pack("<4s4B4HL2L5H2L", CENTRAL, 20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0,
                                 len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count & 0xFFFF, count & 0xFFFF,
                      len(directory), 0, 0)
    return b"PK\x03\x04" + bytes(directory) + end


def kinds(bomb=64 * MB, entries=20_000):
    """Every hostile kind: {label: (file name, bytes)}."""
    bombed = odt_bomb(bomb)
    return {
        "odt bomb": ("laporan.odt", bombed),
        "docx declared huge": ("surat.docx", declared_huge("docx")),
        "xlsx declared huge": ("data.xlsx", declared_huge("xlsx")),
        "zip declared huge": ("bukti.zip", declared_huge("zip")),
        "encrypted member": ("rahasia.odt", encrypted()),
        "deflate64": ("laporan64.odt", deflate64()),
        "corrupt deflate data": ("rusak.odt", corrupt_deflate()),
        "corrupt central directory": ("rusak.docx", corrupt_directory()),
        "truncated": ("terpotong.docx", truncated()),
        "declared size lies": ("bohong.odt", lying_size(bombed)),
        "too many entries": ("banyak.zip", many_entries(entries)),
    }
