using System.Text.Json;

namespace Bpm.Server.Security;

/// <summary>
/// The sample users the one-command start ships so the tour works (samples/users.json): one per role and the three
/// departments of the 施工许可 joint review. Development only: <c>bpm token --user ID</c> mints their tokens.
/// </summary>
public static class SampleUsers
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IReadOnlyList<TokenUser>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<List<TokenUser>>(stream, Json, cancellationToken)
            ?? throw new InvalidDataException($"{path}: expected a JSON array of users");
    }

    /// <summary>The sample user with this id; otherwise a <see cref="KeyNotFoundException"/> naming the ids there are.</summary>
    public static async Task<TokenUser> FindAsync(string path, string id, CancellationToken cancellationToken)
    {
        var users = await ReadAsync(path, cancellationToken);
        return users.FirstOrDefault(u => u.Id == id)
            ?? throw new KeyNotFoundException($"no sample user '{id}'; there are: {string.Join(", ", users.Select(u => u.Id))}");
    }
}
