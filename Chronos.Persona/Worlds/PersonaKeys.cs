using System.Globalization;

namespace Chronos.Persona.Worlds;

/// <summary>
/// The Redis keys Chronos.Persona adds to a world. All carry the world's hash tag, like the
/// Hypervisor's (chronos:{w}:...), so they live in the world's slot and go when the world goes.
/// </summary>
public sealed class PersonaKeys(string world)
{
    private readonly string _prefix = "chronos:{" + world + "}:";

    public string World { get; } = world;

    /// <summary>Hash: name, seed (world seed, hex), seeded (unix s), booted (unix s), complete ("1" when seeding finished).</summary>
    public string Record => _prefix + "persona";

    /// <summary>Hash: planted value → JSON {kind, path, source}.</summary>
    public string Honeytokens => _prefix + "honeytokens";

    /// <summary>Hash: path → "ino ctime_ns size" of every file the persona wrote (seeded or generated); the only files a prompt may quote.</summary>
    public string Provenance => _prefix + "persona:provenance";

    /// <summary>String: the token of the process generating this ghost (SET NX PX), for single-flight across processes.</summary>
    public string GenerationLock(ulong ino) => _prefix + "persona:lock:" + ino.ToString(CultureInfo.InvariantCulture);
}
