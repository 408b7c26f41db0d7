using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Bpm.Server.Security;

/// <summary>
/// The HS256 key development tokens are signed with: <c>Bpm:Auth:SigningKey</c> when configured (≥ 32 bytes), else a
/// random key kept in the data folder, created on first use, so the server and the <c>token</c> verb agree.
/// </summary>
public static class SigningKey
{
    public const string FileName = "signing.key";
    private const int MinimumBytes = 32;

    public static byte[] Resolve(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var bytes = Encoding.UTF8.GetBytes(configured);
            if (bytes.Length < MinimumBytes)
                throw new InvalidOperationException($"Bpm:Auth:SigningKey must be at least {MinimumBytes} bytes for HS256; it has {bytes.Length}");
            return bytes;
        }
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(dataDirectory);
        var key = RandomNumberGenerator.GetBytes(48);
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
        }
        catch (IOException) when (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim()); // another process created it first
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }

    public static SymmetricSecurityKey AsSecurityKey(byte[] key) => new(key) { KeyId = "bpm-dev" };
}
