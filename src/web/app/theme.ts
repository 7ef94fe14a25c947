import { createTheme, type MantineColorsTuple } from '@mantine/core';

const vigil: MantineColorsTuple = [
  '#eef3fb',
  '#dce4f2',
  '#b5c7e6',
  '#8ba8da',
  '#688ecf',
  '#527ec9',
  '#4676c7',
  '#3764b0',
  '#2d599e',
  '#1f4c8d',
];

/** Vigil's look: a sober blue, compact tables, system fonts (no font files to fetch). */
export const theme = createTheme({
  primaryColor: 'vigil',
  colors: { vigil },
  defaultRadius: 'sm',
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '650' },
  components: {
    Table: { defaultProps: { verticalSpacing: 'xs', highlightOnHover: true } },
    Paper: { defaultProps: { withBorder: true } },
  },
});
