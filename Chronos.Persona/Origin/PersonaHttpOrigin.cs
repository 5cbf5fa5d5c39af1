using System.Globalization;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.Persona.Origin;

/// <summary>
/// The "persona" content origin over HTTP, for a Fuse service that does not host Chronos.Persona:
/// the Persona service does the work against the same Redis, and this call returns when it is
/// done. Retries are safe: populate and materialize are idempotent (the first commit wins).
/// </summary>
public sealed class PersonaHttpOrigin(HttpClient http) : IContentOrigin
{
    public string Scheme => "persona";

    public async ValueTask PopulateAsync(IWorldFileSystem world, InodeAttributes directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(directory);
        using var response = await http.PostAsync(Uri(world.World, "populate", directory.Ino), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask MaterializeAsync(IWorldFileSystem world, InodeAttributes file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(file);
        using var response = await http.PostAsync(Uri(world.World, "materialize", file.Ino), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static Uri Uri(string world, string verb, ulong ino) =>
        new($"/api/worlds/{System.Uri.EscapeDataString(world)}/{verb}/{ino.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative);
}
