// A contained button for changes to production: a red that keeps white text at 4.5:1 or more
// in light and dark mode (the dark theme's error.main does not).
export const dangerButtonSx = {
  bgcolor: '#c62828',
  color: '#fff',
  '&:hover': { bgcolor: '#a31f1f' },
} as const;
