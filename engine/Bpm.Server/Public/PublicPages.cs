using System.Collections.Frozen;
using System.Reflection;
using HandlebarsDotNet;

namespace Bpm.Server.Public;

/// <summary>
/// The public pages' Handlebars templates (embedded resources under Public/Templates), compiled once, with HTML
/// escaping on: every <c>{{value}}</c> is encoded. The only triple-stash outputs are the layout's <c>{{{Body}}}</c>
/// (a page these templates rendered, so already escaped) and the power page's <c>{{{Flowchart}}}</c> (SVG written by
/// an <see cref="System.Xml.XmlWriter"/>, see <see cref="Flowchart"/>); never a value from a definition or a request.
/// </summary>
public static class PublicPages
{
    private const string ResourcePrefix = "Bpm.Server.Public.Templates.";
    private static readonly string[] Names = ["layout", "powers", "power", "progress", "not-found"];
    private static readonly Lazy<FrozenDictionary<string, HandlebarsTemplate<object, object>>> Templates = new(Compile);

    public static string Render(string page, string title, object model) =>
        Templates.Value["layout"](new LayoutModel(title, Templates.Value[page](model)));

    private static FrozenDictionary<string, HandlebarsTemplate<object, object>> Compile()
    {
        var handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = false });
        var assembly = typeof(PublicPages).Assembly;
        return Names.ToFrozenDictionary(name => name, name => handlebars.Compile(Read(assembly, name)), StringComparer.Ordinal);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name + ".hbs")
            ?? throw new InvalidOperationException($"the public page template {name}.hbs is not embedded in {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public sealed record LayoutModel(string Title, string Body);
}
