using System.Text;
using Chronos.Persona.Model;

namespace Chronos.Persona.Tests;

/// <summary>Random and mutated YAML: the loader returns a valid persona or throws PersonaException, nothing else.</summary>
public sealed class PersonaLoaderFuzzTests
{
    private static readonly string[] Fragments =
    [
        "name:", "users:", "- {", "}", "[", "]", "uid: ", "-1", "4294967296", "home: ", "../", "\"", "'", "&a", "*a", "!!binary",
        "? ", ": ", "\n  ", "\n", "\t", "#", "{{", "%YAML 1.2\n", "---\n", "...\n", "seed: ", "0x", "~", "null", "true", "1e400",
        "\u0000", "\uFFFF", "groups: [", "hash: $6$", "gid: abc", "os: {id: ", "!!map", "<<: *a", "|\n", ">-\n",
    ];

    [Fact]
    public void Random_yaml_never_crashes_the_loader()
    {
        var random = new Random(4242);
        for (var i = 0; i < 3000; i++)
        {
            var text = new StringBuilder();
            var parts = random.Next(1, 40);
            for (var j = 0; j < parts; j++)
            {
                text.Append(random.Next(4) == 0 ? (char)random.Next(1, 0x2FF) : Fragments[random.Next(Fragments.Length)]);
            }
            AssertLoadsOrRejects(text.ToString());
        }
    }

    [Fact]
    public void Mutated_builtin_personas_never_crash_the_loader()
    {
        var random = new Random(7);
        var sources = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Personas"), "*.yaml").Select(File.ReadAllText).ToArray();
        var accepted = 0;
        for (var i = 0; i < 600; i++)
        {
            var chars = sources[i % sources.Length].ToCharArray().ToList();
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits; e++)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(4))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, Fragments[random.Next(Fragments.Length)][0]); break;
                    case 2: chars[at] = (char)random.Next(32, 127); break;
                    default: chars.RemoveRange(at, Math.Min(random.Next(1, 200), chars.Count - at)); break;
                }
            }
            if (AssertLoadsOrRejects(new string([.. chars])))
            {
                accepted++;
            }
        }
        // Some edits land in comments or descriptions and keep the persona valid; most do not.
        Assert.InRange(accepted, 1, 599);
    }

    private static bool AssertLoadsOrRejects(string yaml)
    {
        try
        {
            var persona = PersonaLoader.Parse(yaml, "fuzz");
            Assert.Empty(PersonaLoader.Validate(persona));
            return true;
        }
        catch (PersonaException e)
        {
            Assert.NotEmpty(e.Problems);
            return false;
        }
    }
}
