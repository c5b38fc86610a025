/** Captures everything written to stdout, stderr and the console while a test file runs. */
export function captureLogs(): { text: () => string; restore: () => void } {
  let logged = '';
  const capture = (chunk: unknown) => { logged += String(chunk); return true; };
  const spies: jest.SpyInstance[] = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => { logged += `${args.map(String).join(' ')}\n`; })),
  ];
  return { text: () => logged, restore: () => spies.forEach((s) => s.mockRestore()) };
}
