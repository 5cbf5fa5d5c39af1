var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChronosHypervisor("redis");
builder.AddWorldApi();

var app = builder.Build();

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapWorldApi();
app.MapDashboard();

app.Run();
