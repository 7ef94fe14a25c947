import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconShieldHalfFilled } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** The frame of the pages seen before signing in (and of the public concern pages, which are wider). */
export function AuthLayout({
  title,
  subtitle,
  width = 420,
  children,
}: {
  title: string;
  subtitle: string;
  width?: number;
  children: ReactNode;
}) {
  return (
    <Box mih="100vh" bg="var(--mantine-color-gray-0)">
      <Center mih="100vh" p="md">
        <Stack w="100%" maw={width} gap="lg">
          <Group gap={8} justify="center">
            <IconShieldHalfFilled size={34} color="var(--mantine-color-vigil-7)" />
            <Text fw={750} fz={28}>
              Vigil
            </Text>
          </Group>
          <Paper p="xl" radius="md" shadow="sm">
            <Stack gap={4} mb="lg">
              <Title order={3}>{title}</Title>
              <Text size="sm" c="dimmed">
                {subtitle}
              </Text>
            </Stack>
            {children}
          </Paper>
          <Text size="xs" c="dimmed" ta="center">
            Security program command center
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
