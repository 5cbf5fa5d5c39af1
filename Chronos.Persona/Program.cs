var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChronosHypervisor("redis");
builder.AddChronosPersona();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPersonaApi();

app.Run();
