import { createTheme } from '@mui/material/styles';
import type { PaletteMode } from '@mui/material';

/** The product's theme; the mode follows the OS (prefers-color-scheme). */
export function createAppTheme(mode: PaletteMode) {
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#1565c0' : '#90caf9' },
      secondary: { main: mode === 'light' ? '#6a1b9a' : '#ce93d8' },
      // Dark mode: MUI's reds, oranges and greens are light; dark text on them keeps 4.5:1 (white does not).
      ...(mode === 'dark'
        ? {
            error: { main: '#f44336', contrastText: 'rgba(0, 0, 0, 0.87)' },
            warning: { main: '#ffa726', contrastText: 'rgba(0, 0, 0, 0.87)' },
            success: { main: '#66bb6a', contrastText: 'rgba(0, 0, 0, 0.87)' },
          }
        : {}),
      background: mode === 'light' ? { default: '#f5f7fa', paper: '#ffffff' } : { default: '#0f1318', paper: '#161b22' },
    },
    shape: { borderRadius: 8 },
    typography: {
      fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
      h4: { fontSize: '1.75rem' },
    },
    components: {
      MuiButton: { defaultProps: { disableElevation: true }, styleOverrides: { root: { textTransform: 'none' } } },
      MuiTab: { styleOverrides: { root: { textTransform: 'none', fontWeight: 600 } } },
      MuiTableCell: { styleOverrides: { head: { fontWeight: 600 } } },
      MuiPaper: { defaultProps: { elevation: 0 } },
      MuiCard: { defaultProps: { variant: 'outlined' } },
      MuiTextField: { defaultProps: { size: 'small' } },
      MuiFormControl: { defaultProps: { size: 'small' } },
    },
  });
}
