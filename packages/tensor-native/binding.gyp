{
  "targets": [
    {
      "target_name": "tensor_native",
      "sources": ["src/addon.c"],
      "cflags": ["-O3", "-fno-math-errno", "-fno-trapping-math", "-std=gnu11", "-pthread", "-mtune=generic", "-fopenmp-simd"],
      "conditions": [
        ["target_arch=='x64'", { "cflags": ["-march=x86-64-v2"] }]
      ],
      "ldflags": ["-pthread"],
      "include_dirs": ["<!@(pkg-config --cflags-only-I openblas | sed s/-I//g)"],
      "libraries": ["<!@(pkg-config --libs openblas)"]
    }
  ]
}
