namespace Chronos.Persona.Tests;
