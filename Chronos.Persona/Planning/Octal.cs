namespace Chronos.Persona.Planning;

/// <summary>Permission bits written as ls and chmod show them: <c>O(640)</c> is 0640. C# has no octal literals.</summary>
internal static class Octal
{
    public static uint O(int digits)
    {
        uint value = 0, scale = 1;
        for (var d = digits; d > 0; d /= 10, scale *= 8)
        {
            value += (uint)(d % 10) * scale;
        }
        return value;
    }
}
