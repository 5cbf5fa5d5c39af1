// Before any socket or thread-pool worker exists (see FuseHostTuning).
Chronos.Fuse.FuseHostTuning.Apply();

var builder = WebApplication.CreateBuilder(args);

// Full tier: the persona origin is an HTTP client that needs discovery and resilience.
builder.AddServiceDefaults();
builder.AddChronosHypervisor("redis");
builder.AddChronosFuse();
if (builder.Configuration["services:persona:http:0"] is { Length: > 0 } persona)
{
    // Ghost files and persona-lazy directories are decided by Chronos.Persona.
    builder.AddChronosPersonaClient(persona);
}

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
