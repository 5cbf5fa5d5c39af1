var builder = WebApplication.CreateBuilder(args);

builder.AddBasicServiceDefaults();
builder.AddChronosHypervisor("redis");
builder.AddChronosFuse();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
