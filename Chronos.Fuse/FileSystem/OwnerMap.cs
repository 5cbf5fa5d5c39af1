namespace Chronos.Fuse.FileSystem;

/// <summary>
/// Host ids ↔ persona-native ids, the rootless-container way (DESIGN.md "Who the attacker is"):
/// host id h in [Shift, Shift+65535] is persona id h−Shift; any other host id acts as the
/// persona's nobody (65534). Persona ids map back by +Shift. Shift 0 is the identity on 0..65535,
/// which is what tests running as host root use; the Gateway mounts with 100000.
/// </summary>
internal readonly record struct OwnerMap(uint Shift)
{
    public const uint RangeSize = 65536;
    public const uint Nobody = 65534;

    public uint ToPersona(uint hostId) =>
        hostId >= Shift && hostId - Shift < RangeSize ? hostId - Shift : Nobody;

    public uint ToHost(uint personaId) =>
        personaId < RangeSize ? personaId + Shift : Nobody + Shift;
}
