using System.CommandLine;
using Bpm.Server.Hosting;
using Bpm.Server.Security;

namespace Bpm.Server.Cli;

/// <summary>
/// `bpm token`: mints a development token the local server accepts, signed with the same key (Bpm:Auth:SigningKey
/// via BPM_SIGNING_KEY, else the key file in the data folder). Prints only the token, for <c>T=$(bpm token …)</c>.
/// </summary>
public static class TokenCommand
{
    public const int Ok = 0, Usage = 2;

    public static Command Create()
    {
        var user = new Option<string?>("--user", "-u") { Description = "A sample user's id (samples/users.json): analyst, deployer, window, fire, civil-defence, supervisor, admin …" };
        var subject = new Option<string?>("--sub") { Description = "Or mint for anyone: the user id" };
        var name = new Option<string?>("--name") { Description = "Display name (with --sub)" };
        var department = new Option<string?>("--department") { Description = "Department (with --sub)" };
        var roles = new Option<string[]>("--role") { Description = "Role(s) (with --sub): analyst, deployer, handler, supervisor, administrator", AllowMultipleArgumentsPerToken = true };
        var hours = new Option<int>("--hours") { Description = "Lifetime in hours", DefaultValueFactory = _ => 8 };
        var data = new Option<string>("--data") { Description = "The server's data folder (where signing.key lives)", DefaultValueFactory = _ => "data" };
        var command = new Command("token", "Mint a development token for a sample user (or any --sub/--role)") { user, subject, name, department, roles, hours, data };
        command.SetAction((parse, ct) => RunAsync(new TokenRequest(
            parse.GetValue(user), parse.GetValue(subject), parse.GetValue(name), parse.GetValue(department), parse.GetValue(roles) ?? [],
            parse.GetValue(hours), parse.GetValue(data)!, Environment.GetEnvironmentVariable("BPM_SIGNING_KEY"),
            RepositoryRoot.Find() is { } root ? Path.Combine(root, "samples", "users.json") : null), Console.Out, Console.Error, ct));
        return command;
    }

    public sealed record TokenRequest(string? User, string? Subject, string? Name, string? Department, string[] Roles, int Hours, string DataDirectory, string? SigningKey, string? UsersFile);

    public static async Task<int> RunAsync(TokenRequest request, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        TokenUser who;
        if (request.User is { } id)
        {
            if (request.UsersFile is null || !File.Exists(request.UsersFile))
            {
                await errors.WriteLineAsync("token: no samples/users.json found; use --sub, --department and --role instead");
                return Usage;
            }
            try
            {
                who = await SampleUsers.FindAsync(request.UsersFile, id, cancellationToken);
            }
            catch (KeyNotFoundException e)
            {
                await errors.WriteLineAsync("token: " + e.Message);
                return Usage;
            }
        }
        else if (request.Subject is { } sub && request.Roles.Length > 0)
        {
            var unknown = request.Roles.Where(r => !BpmRoles.All.Contains(r)).ToList();
            if (unknown.Count > 0)
            {
                await errors.WriteLineAsync($"token: unknown role(s) {string.Join(", ", unknown)}; roles are {string.Join(", ", BpmRoles.All)}");
                return Usage;
            }
            who = new TokenUser(sub, request.Name ?? sub, request.Department, request.Roles);
        }
        else
        {
            await errors.WriteLineAsync("token: give --user ID (a sample user), or --sub ID with at least one --role");
            return Usage;
        }
        if (request.Hours is < 1 or > 24 * 30)
        {
            await errors.WriteLineAsync("token: --hours must be between 1 and 720");
            return Usage;
        }
        var key = SigningKey.Resolve(request.SigningKey, Path.GetFullPath(request.DataDirectory));
        await output.WriteLineAsync(new TokenIssuer(key).Mint(who, TimeSpan.FromHours(request.Hours)));
        return Ok;
    }
}
