using System.Collections.Frozen;
using System.Reflection;

namespace Chronos.Persona.Model;

/// <summary>The personas this build ships (embedded Personas/*.yaml), plus any extra directory an operator configures.</summary>
public sealed class PersonaCatalog
{
    private const string ResourcePrefix = "Chronos.Persona.Personas.";

    private readonly FrozenDictionary<string, Persona> _personas;

    public PersonaCatalog(IEnumerable<Persona> personas)
    {
        ArgumentNullException.ThrowIfNull(personas);
        var byName = new Dictionary<string, Persona>(StringComparer.Ordinal);
        foreach (var persona in personas)
        {
            if (!byName.TryAdd(persona.Name, persona))
            {
                throw new PersonaException(persona.Name, ["two personas have this name"]);
            }
        }
        _personas = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<Persona> All => _personas.Values;

    public Persona? Find(string name) => _personas.GetValueOrDefault(name);

    public Persona Get(string name) => Find(name) ?? throw new KeyNotFoundException($"no persona named '{name}' (known: {string.Join(", ", _personas.Keys.Order(StringComparer.Ordinal))})");

    /// <summary>The built-in personas; <paramref name="extraDirectory"/> adds every *.yaml file in it.</summary>
    public static PersonaCatalog Load(string? extraDirectory = null)
    {
        var personas = new List<Persona>();
        var assembly = typeof(PersonaCatalog).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            personas.Add(PersonaLoader.Parse(ReadResource(assembly, resource), resource[ResourcePrefix.Length..]));
        }
        if (!string.IsNullOrEmpty(extraDirectory) && Directory.Exists(extraDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(extraDirectory, "*.yaml").Order(StringComparer.Ordinal))
            {
                personas.Add(PersonaLoader.Load(file));
            }
        }
        return new PersonaCatalog(personas);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
