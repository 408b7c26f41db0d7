using System.Security.Cryptography;
using System.Text;

namespace Bpm.Server.Security;

/// <summary>
/// The query code (查询码) an applicant gets at application and gives, with the case number, to follow the case on the
/// public pages. Derived from the case id with a server secret (HMAC), so nothing is stored and a repeated
/// (idempotent) application returns the same code; without the secret a code cannot be guessed from the number.
/// </summary>
public sealed class QueryCodes(byte[] key)
{
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; // no 0/O, 1/I/L: read aloud at a counter
    private const int Length = 8;

    public string For(Guid caseId)
    {
        var mac = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("query-code:" + caseId.ToString("N")));
        var code = new char[Length];
        for (var i = 0; i < Length; i++) code[i] = Alphabet[mac[i] % Alphabet.Length];
        return new string(code);
    }

    public bool Matches(Guid caseId, string? code) =>
        code is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(For(caseId)), Encoding.ASCII.GetBytes(code.Trim().ToUpperInvariant()));
}
