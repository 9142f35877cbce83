using System.Runtime.InteropServices;

namespace MnistLeNet;

/// <summary>The one place that decides whether a path may be read or written.</summary>
/// <remarks>Only regular files are read or replaced (a FIFO would wait forever, /dev/zero never ends); reading stops
/// at a limit counted in bytes read, not the reported size (0 for special files).</remarks>
public static class FilePaths
{
    /// <summary>Throws unless <paramref name="path"/> is a regular file (or a link to one); <paramref name="what"/> names it in messages.</summary>
    /// <exception cref="FileNotFoundException">Nothing there.</exception>
    /// <exception cref="IOException">A folder, a special file, or a link that cannot be followed.</exception>
    public static void CheckInput(string path, string what, string? notFound = null)
    {
        var kind = KindOf(path, out var problem);
        if (kind == Kind.Missing) throw new FileNotFoundException(notFound ?? $"{path}: {what} not found", path);
        if (kind != Kind.RegularFile) throw new IOException($"{path}: {problem}; a {what} must be a regular file");
    }

    /// <summary>Throws unless <paramref name="path"/> is nothing yet or a regular file (or a link to one).</summary>
    /// <exception cref="IOException">A folder, a special file, or a link that cannot be followed.</exception>
    public static void CheckOutput(string path)
    {
        var kind = KindOf(path, out var problem);
        if (kind is not (Kind.Missing or Kind.RegularFile)) throw new IOException($"{path}: {problem}; only a regular file is ever replaced");
    }

    /// <summary>The whole content of a regular file, refusing it once more than <paramref name="maxBytes"/> have been read.</summary>
    /// <exception cref="InvalidDataException">The file holds more than <paramref name="maxBytes"/>.</exception>
    /// <inheritdoc cref="CheckInput" path="/exception"/>
    public static byte[] ReadAll(string path, long maxBytes, string what, string? notFound = null)
    {
        using var stream = OpenRead(path, what, notFound);
        var content = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            if (content.Length + n > maxBytes)
                throw new InvalidDataException($"{path}: more than {maxBytes:N0} bytes, far too large for a {what}");
            content.Write(buffer, 0, n);
        }
        return content.ToArray();
    }

    /// <summary>Opens a regular file for reading (see <see cref="CheckInput"/>).</summary>
    /// <inheritdoc cref="CheckInput" path="/exception"/>
    public static FileStream OpenRead(string path, string what, string? notFound = null)
    {
        CheckInput(path, what, notFound);
        try { return File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: the {what} cannot be read ({e.Message})", e);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> if an output is an input or another output (e.g. <c>pad --model m.dat --out m.dat</c>).</summary>
    public static void CheckOutputs(IReadOnlyList<(string Name, string Path)> outputs, IEnumerable<(string Name, string Path)> inputs)
    {
        var inputList = inputs.ToList();
        for (int i = 0; i < outputs.Count; i++)
        {
            var (name, path) = outputs[i];
            var target = PendingFile.TargetOf(path);
            if (inputList.FirstOrDefault(input => SameFile(target, input.Path)) is { Name: not null } read)
                throw new ArgumentException($"{name}: {path} is {read.Name} ({read.Path}), which this command reads; writing it would destroy it. Choose another output file");
            if (outputs.Take(i).FirstOrDefault(o => SameFile(target, o.Path)) is { Name: not null } earlier)
                throw new ArgumentException($"{name}: {path} is also {earlier.Name}; choose another output file");
        }
    }

    static bool SameFile(string target, string other)
    {
        try { return PendingFile.SameTarget(target, other); }
        catch (IOException) { return false; } // a link loop is not the output; it is refused where it is used
    }

    enum Kind { Missing, RegularFile, Other }

    static Kind KindOf(string path, out string problem)
    {
        problem = "";
        if (OperatingSystem.IsWindows())
        {
            // No FIFOs or device files in folders on Windows; a link is followed by the existence checks.
            if (Directory.Exists(path)) { problem = "is a folder, not a file"; return Kind.Other; }
            return File.Exists(path) ? Kind.RegularFile : Kind.Missing;
        }
        var status = new byte[StatusBytes];
        if (LStat(path, status) != 0) return Kind.Missing;
        bool link = (Mode(status) & TypeMask) == SymbolicLink;
        if (Stat(path, status) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            problem = errno == ENOENT
                ? "is a symbolic link to something that does not exist"
                : $"is a symbolic link that cannot be followed ({Marshal.GetPInvokeErrorMessage(errno)}: it leads back to itself?)";
            return Kind.Other;
        }
        var via = link ? $" (through the symbolic link {path})" : "";
        (problem, var kind) = (Mode(status) & TypeMask) switch
        {
            RegularFile => ("", Kind.RegularFile),
            Folder => ("is a folder, not a file", Kind.Other),
            Fifo => ($"is a FIFO (named pipe){via}, not a file", Kind.Other),
            CharacterDevice or BlockDevice => ($"is a device{via}, not a file", Kind.Other),
            Socket => ($"is a socket{via}, not a file", Kind.Other),
            _ => ($"is not a regular file{via}", Kind.Other),
        };
        return kind;
    }

    // .NET's native shim has one stat layout on every Unix, unlike libc; the mode is the int32 at offset 4.
    const int StatusBytes = 256, TypeMask = 0xF000, Fifo = 0x1000, CharacterDevice = 0x2000, Folder = 0x4000,
        BlockDevice = 0x6000, RegularFile = 0x8000, SymbolicLink = 0xA000, Socket = 0xC000, ENOENT = 2;

    static int Mode(byte[] status) => BitConverter.ToInt32(status, 4);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
}
