using System.Buffers.Binary;
using System.Text;

namespace MnistLeNet.NativeFix;

/// <summary>
/// Makes TorchSharp 0.107's <c>libLibTorchSharp.so</c> load on hosts whose libstdc++ stops at
/// GLIBCXX_3.4.30 (Debian 12, Ubuntu 22.04).
/// </summary>
/// <remarks>
/// The library was linked by GCC 13, which records a requirement on <c>GLIBCXX_3.4.32</c> for a
/// single symbol, <c>_ZSt21ios_base_library_initv</c>: a link-time marker for <c>&lt;iostream&gt;</c>
/// that no code calls. The patch edits two fields in place (the file keeps its size):
/// <list type="number">
/// <item>the <c>GLIBCXX_3.4.32</c> entry of <c>.gnu.version_r</c> gets the VER_FLG_WEAK flag, so a
/// missing version is no longer fatal;</item>
/// <item>every dynamic symbol bound to that version loses its version (like
/// <c>patchelf --clear-symbol-version</c>).</item>
/// </list>
/// It refuses to patch when any symbol other than the known marker needs that version: those
/// would really need a newer libstdc++.
/// </remarks>
public static class GlibcxxCompatPatch
{
    public const string MissingVersion = "GLIBCXX_3.4.32";
    public const string MarkerSymbol = "_ZSt21ios_base_library_initv";

    const uint ShtDynsym = 11, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    const ushort VerFlagWeak = 0x2, VerNdxGlobal = 1;

    /// <summary>What <see cref="Inspect"/> found in a library.</summary>
    public enum State { NotRequired, NeedsPatch, AlreadyPatched }

    /// <summary>Reports whether <paramref name="elf"/> (the bytes of a shared library) requires
    /// <see cref="MissingVersion"/>, and whether that requirement is already weak.</summary>
    public static State Inspect(byte[] elf, string fileName) =>
        Find(elf, fileName) is { } found
            ? (found.WeakAlready && found.VersionedSymbols.Count == 0 ? State.AlreadyPatched : State.NeedsPatch)
            : State.NotRequired;

    /// <summary>Patches <paramref name="elf"/> in place. Returns false when nothing had to change.</summary>
    public static bool Apply(byte[] elf, string fileName)
    {
        var found = Find(elf, fileName);
        if (found is null || (found.WeakAlready && found.VersionedSymbols.Count == 0)) return false;

        var unexpected = found.VersionedSymbols.Where(s => s.Name != MarkerSymbol).Select(s => s.Name).ToList();
        if (unexpected.Count > 0)
            throw new NotSupportedException(
                $"{fileName}: symbols other than {MarkerSymbol} need {MissingVersion} " +
                $"({string.Join(", ", unexpected.Take(5))}); this library really needs a newer libstdc++.");

        var flags = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(found.FlagsOffset));
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(found.FlagsOffset), (ushort)(flags | VerFlagWeak));
        foreach (var symbol in found.VersionedSymbols)
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(symbol.VersymOffset), VerNdxGlobal);
        return true;
    }

    sealed record VersionedSymbol(string Name, int VersymOffset);
    sealed record Requirement(int FlagsOffset, bool WeakAlready, List<VersionedSymbol> VersionedSymbols);

    static Requirement? Find(byte[] elf, string fileName)
    {
        var file = new ElfSections(elf, fileName);
        var verneed = file.Sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
        if (verneed is null) return null;
        var strings = file.Sections[checked((int)verneed.Link)];

        // Walk Elf64_Verneed entries and their Elf64_Vernaux lists.
        long need = verneed.Offset;
        for (uint i = 0; i < verneed.Info; i++)
        {
            ushort auxCount = file.U16(need + 2);
            long aux = need + file.U32(need + 8);
            for (int j = 0; j < auxCount; j++)
            {
                if (file.String(strings, file.U32(aux + 8)) == MissingVersion)
                {
                    ushort flags = file.U16(aux + 4);
                    ushort versionIndex = file.U16(aux + 6);
                    return new Requirement(checked((int)(aux + 4)), (flags & VerFlagWeak) != 0,
                        SymbolsWithVersion(file, versionIndex));
                }
                aux += file.U32(aux + 12);
            }
            uint next = file.U32(need + 12);
            if (next == 0) break;
            need += next;
        }
        return null;
    }

    static List<VersionedSymbol> SymbolsWithVersion(ElfSections file, ushort versionIndex)
    {
        var result = new List<VersionedSymbol>();
        var dynsym = file.Sections.FirstOrDefault(s => s.Type == ShtDynsym);
        var versym = file.Sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsym is null || versym is null) return result;
        var names = file.Sections[checked((int)dynsym.Link)];
        long count = dynsym.Size / 24;
        for (long k = 0; k < count; k++)
        {
            long slot = versym.Offset + 2 * k;
            if ((file.U16(slot) & 0x7fff) != versionIndex) continue;
            var name = file.String(names, file.U32(dynsym.Offset + 24 * k));
            result.Add(new VersionedSymbol(name, checked((int)slot)));
        }
        return result;
    }

    /// <summary>Just enough of an ELF64 little-endian reader to find sections, with bounds checks.</summary>
    sealed class ElfSections
    {
        public sealed record Section(uint Type, long Offset, long Size, uint Link, uint Info);

        readonly byte[] _bytes;
        readonly string _fileName;
        public IReadOnlyList<Section> Sections { get; }

        public ElfSections(byte[] bytes, string fileName)
        {
            _bytes = bytes;
            _fileName = fileName;
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                throw Bad("not an ELF file");
            if (bytes[4] != 2 || bytes[5] != 1) throw Bad("not a 64-bit little-endian ELF file");

            long tableOffset = checked((long)U64(0x28));
            ushort entrySize = U16(0x3A), count = U16(0x3C);
            if (entrySize != 64) throw Bad($"unexpected section header size {entrySize}");
            var sections = new List<Section>(count);
            for (int i = 0; i < count; i++)
            {
                long h = tableOffset + 64L * i;
                var section = new Section(U32(h + 4), checked((long)U64(h + 24)), checked((long)U64(h + 32)), U32(h + 40), U32(h + 44));
                if (section.Type != 8 /* SHT_NOBITS */ && section.Offset + section.Size > bytes.Length)
                    throw Bad($"section {i} lies outside the file");
                sections.Add(section);
            }
            Sections = sections;
        }

        public ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(at, 2));
        public uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(at, 4));
        ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(at, 8));

        public string String(Section table, uint index)
        {
            long start = table.Offset + index;
            if (index >= table.Size) throw Bad("string index outside its table");
            int end = Array.IndexOf(_bytes, (byte)0, checked((int)start), checked((int)(table.Offset + table.Size - start)));
            if (end < 0) throw Bad("unterminated string");
            return Encoding.ASCII.GetString(_bytes, (int)start, end - (int)start);
        }

        ReadOnlySpan<byte> Slice(long at, int length) =>
            at >= 0 && at + length <= _bytes.Length ? _bytes.AsSpan(checked((int)at), length) : throw Bad("truncated");

        InvalidDataException Bad(string what) => new($"{_fileName}: {what}");
    }
}
