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
}
